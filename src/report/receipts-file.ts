/**
 * The receipts file against the signed report that binds it: same size, same SHA-256, same
 * number of lines. A value, never an exception; the caller reads the lines only once bound.
 */
import { createHash } from 'node:crypto'
import type { ReceiptsFile } from './types'

export type ReceiptsFileCheck = { ok: true } | { ok: false, reason: string }

export function checkReceiptsFile (bound: ReceiptsFile, file: Buffer): ReceiptsFileCheck {
  if (file.length !== bound.bytes) return { ok: false, reason: `The receipts file has ${file.length} bytes; the signed report binds one of ${bound.bytes}.` }
  const sha256 = createHash('sha256').update(file).digest('hex')
  if (sha256 !== bound.sha256) return { ok: false, reason: `The receipts file's SHA-256 is ${sha256}; the signed report binds ${bound.sha256}: it was changed, or belongs to another report.` }
  let lines = 0
  for (let i = file.indexOf(10); i !== -1; i = file.indexOf(10, i + 1)) lines++
  if (lines !== bound.lines) return { ok: false, reason: `The receipts file has ${lines} lines; the signed report says ${bound.lines}.` }
  return { ok: true }
}

/** The receipts of a bound file, one parsed line at a time (untrusted JSON: the receipt check parses it again). */
export function * receiptLines (file: Buffer): Generator<unknown> {
  let start = 0
  for (let end = file.indexOf(10); end !== -1; start = end + 1, end = file.indexOf(10, start)) {
    const line = JSON.parse(file.subarray(start, end).toString('utf8')) as { receipt?: unknown } | null
    yield line?.receipt
  }
}
