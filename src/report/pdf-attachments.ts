/**
 * The files attached to a PDF this service rendered (pdfkit's embedded files: a `/Filespec`
 * naming an `/EmbeddedFile` stream, Flate-compressed or not). Not a general PDF reader: the
 * caller re-renders the PDF from what it extracts and compares bytes, so a PDF this reader
 * misunderstands is refused, never trusted. Bounded: at most MAX_ATTACHMENTS files, each at most
 * MAX_ATTACHMENT_BYTES once inflated.
 */
import { inflateSync } from 'node:zlib'

export const MAX_ATTACHMENTS = 4
export const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024

export type Attachments = { ok: true, files: Map<string, Buffer> } | { ok: false, reason: string }

/** The dictionary text and byte offsets of object `n 0 obj`, or null. */
function objectAt (text: string, n: number): { dict: string, end: number } | null {
  const at = text.search(new RegExp(`(^|[\\r\\n])${n} 0 obj\\s*<<`))
  if (at === -1) return null
  const open = text.indexOf('<<', at)
  // pdfkit writes nested dictionaries; find the matching `>>` by depth.
  let depth = 0
  for (let i = open; i < text.length - 1; i++) {
    if (text[i] === '<' && text[i + 1] === '<') { depth++; i++ } else if (text[i] === '>' && text[i + 1] === '>') {
      depth--
      i++
      if (depth === 0) return { dict: text.slice(open, i + 1), end: i + 1 }
    }
  }
  return null
}

export function extractAttachments (pdf: Buffer): Attachments {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') return { ok: false, reason: 'The file is not a PDF (it does not start with %PDF-).' }
  const text = pdf.toString('latin1')
  const files = new Map<string, Buffer>()
  const spec = /\/Type \/Filespec[^]*?\/F \(([A-Za-z0-9._-]{1,64})\)[^]*?\/EF <<\s*\/F (\d{1,9}) 0 R/g
  for (let m = spec.exec(text); m !== null; m = spec.exec(text)) {
    if (files.size >= MAX_ATTACHMENTS) return { ok: false, reason: `The PDF has more than ${MAX_ATTACHMENTS} attached files.` }
    const [, name, ref] = m
    const obj = objectAt(text, Number(ref))
    if (obj === null || !/\/Type \/EmbeddedFile/.test(obj.dict)) return { ok: false, reason: `The attachment ${name} points to no embedded file.` }
    const length = /\/Length (\d{1,10})/.exec(obj.dict)
    const stream = /^\s*stream\r?\n/.exec(text.slice(obj.end, obj.end + 20))
    if (length === null || stream === null) return { ok: false, reason: `The attachment ${name} has no readable stream.` }
    const start = obj.end + stream[0].length
    const raw = pdf.subarray(start, start + Number(length[1]))
    if (raw.length !== Number(length[1])) return { ok: false, reason: `The attachment ${name} is cut short.` }
    try {
      files.set(name, /\/Filter \/FlateDecode/.test(obj.dict) ? inflateSync(raw, { maxOutputLength: MAX_ATTACHMENT_BYTES }) : Buffer.from(raw))
    } catch (err) {
      return { ok: false, reason: `The attachment ${name} cannot be inflated (${(err as Error).message}).` }
    }
  }
  return { ok: true, files }
}
