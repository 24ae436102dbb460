/**
 * A chunk of the period's receipts made ready to be re-checked (ReportAccumulator.prepare): the
 * receipts the report holds, in its order, each written once as the JSON of its line, with the
 * chain answers and trust policy their checks read. Whoever re-checks the chunk (the builder
 * itself, or worker threads at the edge: recheck-pool.ts) checks these very texts, so the
 * receipts file holds exactly the bytes that were checked.
 *
 * The texts are kept as UTF-8 bytes, one after another in one buffer, not as strings: a chunk
 * lives while its checks run (one chunk ahead of the one being added), long enough for V8 to move
 * strings to its old generation, where they piled up as garbage between full collections (a
 * ~90 MB saw-tooth of the main thread's heap in a 1,000,000-receipt build, bench/report.ts); the
 * bytes are outside the heap, go to a worker as they are, and are copied into the file's lines
 * without being encoded again. Once added, a chunk hands its buffer back (`release`) for a later
 * chunk's texts: buffers outside the heap are freed only when V8 collects their wrappers, which it
 * put off until ~64 MB of them were garbage (a ~35 MB saw-tooth of RSS, bench/report.ts).
 */
import type { TrustPolicy } from '../trust'
import type { ChainEvidence } from '../verify'
import type { ReceiptVerdict, ReportInput } from './types'

export type ReceiptEntry = ReportInput['receipts'][string][number]

/** A receipt's re-check (recheckReceipt): `reason` when it is not verified. */
export interface RecheckResult {
  status: ReceiptVerdict
  reason?: string
}

/**
 * What the builder keeps of a receipt between preparing and adding it (its fields as given; the
 * re-check of its text decides whether they hold): the receipt objects themselves are dropped
 * once written, so a chunk waiting for its checks holds its texts and these few fields.
 */
export interface ReceiptRow {
  key: string
  length: number
  fork: number
  /** Seal time, seconds. */
  at: number
  root: string
  /** It is its core's latest receipt (ReportHeader.latest). */
  latest: boolean
  /** Its last three proof nodes, a few hex digits of each: where in its batch it says it sits (a checker splitting a chunk keeps a subtree together). */
  subtree: string
}

export class ReceiptChunk {
  private held: Buffer

  /**
   * Made by ReportAccumulator.prepare only: text `i` (`bytes` from `start(i)` to `ends[i]`) is the
   * UTF-8 of JSON.stringify of the receipt of `rows[i]`.
   */
  constructor (
    readonly rows: readonly ReceiptRow[],
    bytes: Buffer,
    readonly ends: readonly number[],
    /** Only the answers these receipts' seals can ask for (chainFor): a worker is sent this, not the period's. */
    readonly chain: ChainEvidence,
    readonly trust: TrustPolicy
  ) {
    this.held = bytes
  }

  /** The texts, one after another (empty once released). */
  get bytes (): Buffer {
    return this.held
  }

  /**
   * The whole buffer the texts were packed into, for another chunk (ReportAccumulator.add, once
   * the chunk is added); the chunk then holds no texts. A checker still reading it (its answers
   * are no longer awaited: add took the checks it was given) reads empty texts, never another
   * chunk's.
   */
  release (): Buffer {
    // Its texts start a buffer of its own (packJson: never Node's shared pool).
    const whole = this.held.length === 0 ? EMPTY : Buffer.from(this.held.buffer, 0, this.held.buffer.byteLength)
    this.held = EMPTY
    return whole
  }

  /** Where text `i` starts in `bytes`. */
  start (i: number): number {
    return startOf(this.ends, i)
  }

  /** Text `i`, as a string. */
  text (i: number): string {
    return this.bytes.toString('utf8', this.start(i), this.ends[i])
  }
}

/** Where text `i` of packed texts starts, given where each ends (packTexts). */
export function startOf (ends: readonly number[], i: number): number {
  return i === 0 ? 0 : ends[i - 1]
}

const EMPTY = Buffer.alloc(0)

/**
 * Byte texts copied one after another into one buffer of their own (never Node's shared pool: it
 * may be transferred), with where each ends.
 */
export function packTexts (texts: readonly Uint8Array[]): { bytes: Buffer, ends: number[] } {
  let size = 0
  const ends = texts.map((t) => (size += t.byteLength))
  const bytes = Buffer.allocUnsafeSlow(size)
  texts.forEach((t, i) => bytes.set(t, startOf(ends, i)))
  return { bytes, ends }
}

/**
 * The JSON of each value written one after another into `into` (reused; a buffer of its own), or
 * into a larger buffer of its own when they do not fit, with where each ends. One text is a string
 * at a time: a batch's texts as strings at once (~1.5 MB for 1,000 receipts) were alive when V8
 * next collected, and moved to its old generation.
 */
export function packJson (values: readonly unknown[], into: Buffer): { bytes: Buffer, ends: number[] } {
  let whole = into
  let at = 0
  const ends: number[] = []
  for (const value of values) {
    const text = JSON.stringify(value)
    const size = Buffer.byteLength(text)
    if (at + size > whole.length) {
      const larger = Buffer.allocUnsafeSlow(Math.ceil((at + size) * 1.25))
      whole.copy(larger, 0, 0, at)
      whole = larger
    }
    at += whole.write(text, at)
    ends.push(at)
  }
  return { bytes: whole.subarray(0, at), ends }
}

const has = (record: object, field: string | number): boolean => Object.prototype.hasOwnProperty.call(record, field)

/**
 * The chain evidence a chunk's checks can read: every contract code (few), and the answers for
 * each receipt's root, block and transaction looked up as checkOnChain looks them up (root and
 * block as given, the transaction lowercased). A receipt whose seal names an answer the period's
 * evidence lacks finds it missing here too, so the check gives the same verdict on either.
 */
export function chainFor (chain: ChainEvidence, entries: readonly ReceiptEntry[]): ChainEvidence {
  const seals: Record<string, ChainEvidence['seals'][string]> = {}
  const blocks: Record<number, ChainEvidence['blocks'][number]> = {}
  const txs: Record<string, ChainEvidence['txs'][string]> = {}
  let last: unknown
  for (const e of entries) {
    // Untrusted shape: whatever is not a string or a number here fails the receipt's own check.
    const seal = e.receipt.seal as unknown as Record<string, unknown> | null
    if (seal === last || typeof seal !== 'object' || seal === null) continue
    last = seal
    const { root, blockNumber, txHash } = seal
    if (typeof root === 'string' && has(chain.seals, root)) seals[root] = chain.seals[root]
    if (typeof blockNumber === 'number' && has(chain.blocks, blockNumber)) blocks[blockNumber] = chain.blocks[blockNumber]
    const tx = typeof txHash === 'string' ? txHash.toLowerCase() : undefined
    if (tx !== undefined && has(chain.txs, tx)) txs[tx] = chain.txs[tx]
  }
  return {
    chainId: chain.chainId,
    headBlock: chain.headBlock,
    ...(chain.finalizedBlock !== undefined ? { finalizedBlock: chain.finalizedBlock } : {}),
    code: chain.code,
    seals,
    blocks,
    txs
  }
}

const VERDICTS: ReadonlySet<unknown> = new Set<ReceiptVerdict>(['verified', 'pending', 'invalid'])

/** A re-check handed in from elsewhere, taken only in the form recheckReceipt gives (else checked again). */
export function isRecheckResult (value: unknown): value is RecheckResult {
  if (typeof value !== 'object' || value === null) return false
  const { status, reason } = value as Record<string, unknown>
  return VERDICTS.has(status) && (status === 'verified' ? reason === undefined : typeof reason === 'string')
}

/**
 * A line of the receipts file is JSON.stringify({ receipt, status, reason }) with the receipt's
 * text as checked: LINE_HEAD, the text, then lineTail(check). Written in three pieces, so no
 * line is ever made as one string (a verified receipt's tail is one shared constant).
 */
export const LINE_HEAD = '{"receipt":'
const VERIFIED_TAIL = ',"status":"verified"}\n'

export function lineTail (check: RecheckResult): string {
  if (check.status === 'verified' && check.reason === undefined) return VERIFIED_TAIL
  return `,"status":${JSON.stringify(check.status)}${check.reason !== undefined ? `,"reason":${JSON.stringify(check.reason)}` : ''}}\n`
}
