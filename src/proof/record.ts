/**
 * The record a proof shows, read from its proven blocks only (after check.ts proved them inside
 * the sealed trees): the block, the Hyperbee entry `get(key)` returns at the version, or the
 * drive file with its content. Every block the reading needs must be in the proof, and the proof
 * may hold no other block: what it carries is exactly what the record rests on.
 */
import type { Receipt } from '../seal'
import type { ProofPart, RecordProof } from './format'
import { decodeHeader, decodeNode, lookup, ProtobufFault, type BeeNode, type LookupResult } from './bee-blocks'
import { blobsKeyOf, decodeDriveEntry, fileKey } from './drive-blocks'

export interface ProvenRecord {
  /** `block`: its index and bytes. */
  index?: number
  block?: Buffer
  /** bee and drive proofs: the version the lookup ran at. */
  version?: number
  /** `hyperbee-entry`: the key, and the value (null: no such entry at that version) with the block holding it. */
  entry?: { key: Buffer, value: Buffer | null, seq: number | null }
  /** `hyperdrive-file`: the file at that version. */
  file?: { path: string, size: number, executable: boolean, linkname: string | null, content: Buffer }
}

type Read = { ok: true, statement: string, record: ProvenRecord } | { ok: false, reason: string }
interface Sealed { part: ProofPart, receipt: Receipt }

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength)
const short = (hex: string): string => `${hex.slice(0, 16)}…`

export function readRecord (proof: RecordProof, parts: readonly Sealed[]): Read {
  try {
    if (proof.type === 'block') return readBlock(proof, parts[0])
    const bee = readEntry(proof, parts[0], proof.type === 'hyperbee-entry' ? proof.entry! : fileKey(proof.path!))
    if (!bee.ok) return bee
    if (proof.type === 'hyperbee-entry') {
      const value = bee.found === null ? null : bee.found.node.value === null ? null : asBuffer(bee.found.node.value)
      const claimed = proof.value ?? null
      if ((value === null) !== (claimed === null) || (value !== null && !value.equals(claimed!))) {
        return { ok: false, reason: `At version ${proof.version} the bee holds ${value === null ? 'no such entry' : 'another value'} for this key than the proof claims.` }
      }
      const keyText = describeKey(proof.entry!)
      return {
        ok: true,
        statement: value === null ? `Hyperbee ${short(proof.key)} had no entry ${keyText} at version ${proof.version}, which` : `The entry ${keyText} of Hyperbee ${short(proof.key)} at version ${proof.version} (${value.byteLength} bytes)`,
        record: { version: proof.version, entry: { key: proof.entry!, value, seq: bee.found?.seq ?? null } }
      }
    }
    return readFile(proof, parts, bee)
  } catch (err) {
    if (err instanceof ProtobufFault) return { ok: false, reason: `A proven block is not what a Hyperbee writes: ${err.message}.` }
    throw err
  }
}

function readBlock (proof: RecordProof, core: Sealed): Read {
  const blocks = core.part.blocks
  if (blocks.length !== 1 || blocks[0].index !== proof.index) return { ok: false, reason: `A block proof carries exactly block ${proof.index}; this one carries ${blocks.map((b) => b.index).join(', ')}.` }
  const data = asBuffer(blocks[0].data)
  return { ok: true, statement: `Block ${proof.index} of core ${short(proof.key)} (${data.byteLength} bytes)`, record: { index: proof.index!, block: data } }
}

type Entry = { ok: true, found: LookupResult | null, header: ReturnType<typeof decodeHeader> } | { ok: false, reason: string }

/** Runs the B-tree lookup over the proven blocks; the proof must hold the header and exactly the blocks it reads. */
function readEntry (proof: RecordProof, db: Sealed, key: Buffer): Entry {
  const version = proof.version!
  if (version > db.receipt.head.length) return { ok: false, reason: `Version ${version} is past the sealed length ${db.receipt.head.length} the proof rests on.` }
  const blocks = new Map(db.part.blocks.map((b) => [b.index, b.data]))
  const headerBlock = blocks.get(0)
  if (headerBlock === undefined) return { ok: false, reason: 'The proof lacks block 0, the Hyperbee header.' }
  const header = decodeHeader(headerBlock)
  if (header.protocol !== 'hyperbee') return { ok: false, reason: `Block 0 names protocol "${header.protocol}", not a Hyperbee.` }
  const read = new Set<number>([0])
  const decoded = new Map<number, BeeNode>()
  const walk = lookup(key, version)
  let step = walk.next()
  while (step.done !== true) {
    const seq = step.value
    const data = blocks.get(seq)
    if (data === undefined) return { ok: false, reason: `The lookup at version ${version} reads block ${seq}, which the proof lacks.` }
    read.add(seq)
    let node = decoded.get(seq)
    if (node === undefined) decoded.set(seq, node = decodeNode(data))
    step = walk.next(node)
  }
  const extra = [...blocks.keys()].filter((i) => !read.has(i))
  if (extra.length > 0) return { ok: false, reason: `The proof carries block ${extra[0]}, which the lookup does not read.` }
  return { ok: true, found: step.value, header }
}

function readFile (proof: RecordProof, parts: readonly Sealed[], bee: Extract<Entry, { ok: true }>): Read {
  const [db, blobs] = parts
  const path = proof.path!
  if (bee.header.metadata === null) return { ok: false, reason: `Core ${short(proof.key)} is a Hyperbee, not a Hyperdrive (its header has no metadata).` }
  if (bee.found === null || bee.found.node.value === null) return { ok: false, reason: `The drive has no file ${path} at version ${proof.version}.` }
  const entry = decodeDriveEntry(bee.found.node.value)
  if (entry === null) return { ok: false, reason: `The entry of ${path} is not a Hyperdrive file entry.` }
  if (entry.blob === null) return { ok: false, reason: `${path} is ${entry.linkname !== null ? 'a symlink' : 'an entry'} without content.` }
  const expected = blobsKeyOf(Buffer.from(proof.key, 'hex'), Buffer.from(db.receipt.head.manifest, 'hex'), bee.header.metadata.contentFeed)
  if (expected === null) return { ok: false, reason: 'The drive names no blobs core (a compat db without a content feed).' }
  if (blobs.receipt.head.key !== expected.toString('hex')) return { ok: false, reason: `The blobs part is core ${short(blobs.receipt.head.key)}, not this drive's blobs core ${short(expected.toString('hex'))}.` }
  const { blockOffset, blockLength, byteLength } = entry.blob
  const got = blobs.part.blocks
  if (got.length !== blockLength || got.some((b, i) => b.index !== blockOffset + i)) {
    return { ok: false, reason: `${path} is blobs blocks ${blockOffset}..${blockOffset + blockLength - 1}; the proof carries other blocks.` }
  }
  const content = Buffer.concat(got.map((b) => asBuffer(b.data)))
  if (content.byteLength !== byteLength) return { ok: false, reason: `${path}'s blocks hold ${content.byteLength} bytes, not the ${byteLength} its entry says.` }
  return {
    ok: true,
    statement: `The file ${path} of Hyperdrive ${short(proof.key)} at version ${proof.version} (${byteLength} bytes)`,
    record: { version: proof.version!, file: { path, size: byteLength, executable: entry.executable, linkname: entry.linkname, content } }
  }
}

function describeKey (key: Buffer): string {
  const text = key.toString('utf8')
  return Buffer.from(text, 'utf8').equals(key) && !/[\u0000-\u001f]/.test(text) ? JSON.stringify(text) : `0x${key.toString('hex')}`
}
