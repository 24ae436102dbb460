/**
 * Checks what the sealer hands to `ReceiptsLog.appendBatch` before anything is written: the
 * log is append-only, so a wrong entry would stay forever. The leaves must rebuild the sealed
 * root (seal's own `batchFromJson`, which also checks every writer signature, unless the
 * caller hands the batch seal built for exactly these leaves in this process), and each
 * receipt must be the one that batch gives for its head.
 */
import { batchFromJson, parseReceipt, parseSealInfo, type Batch, type HeadJson, type IncidentKind, type Receipt, type SealInfo, type TreeNodeJson } from '../seal'
import { LedgerError } from './errors'
import { isoTime } from './keys'
import { roots as rootsOf, type BatchRecord, type Contradiction, type ReceiptEntry } from './log-records'
import { array, asInput, head, Invalid, oneOf, text } from './validate'

export interface BatchInput {
  /** Every head of the batch, in any order. */
  leaves: HeadJson[]
  /** Where the root was sealed; `seal.root` is the batch root. */
  seal: SealInfo
  /**
   * Receipts to store, one per head at most (heads without one are allowed), each with the
   * roots of its head's length when known (checked against the head's tree hash).
   */
  receipts: Array<{ receipt: Receipt, contradicts?: IncidentKind, roots?: TreeNodeJson[] }>
  /** Roots of earlier batches the chain forgot, whose heads this batch seals again. */
  resealOf?: string[]
  /**
   * The batch of these leaves as seal's `buildBatch` made it in this process, if the caller has
   * it: then its signature checks are not repeated (see `batchFromJson`). Anything else is
   * ignored and the batch is rebuilt from `leaves`.
   */
  batch?: Batch
}

export interface PreparedBatch {
  root: string
  sealedAt: string
  resealOf: string[]
  /** The record of batch `seq`; `indexEntries`: the seal index entries its write appends (seal-index.ts). */
  record (seq: number, indexEntries?: number): BatchRecord
  receipts (seq: number): ReceiptEntry[]
}

// Both sides of each comparison below were parsed (parseSealInfo, parseReceipt) or built by
// seal: the same fields in the same order, strings and numbers, so comparing field by field
// says what comparing their JSON text would, without writing 10,000 receipts out as text.
const SEAL_FIELDS = ['chainId', 'contract', 'root', 'leafCount', 'txHash', 'blockNumber', 'blockHash', 'timestamp'] as const
const sameSeal = (a: SealInfo, b: SealInfo): boolean => SEAL_FIELDS.every((field) => a[field] === b[field])
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])

export function prepareBatch (input: BatchInput): PreparedBatch {
  if (typeof input !== 'object' || input === null) throw new LedgerError('BAD_INPUT', 'appendBatch needs { leaves, seal, receipts }.')
  const seal = asInput('seal', input.seal, parseSealInfo)
  const leaves = asInput('batch leaves', input.leaves, (v) => array(v, 'leaves', head))
  const batch = asInput('batch', { v: 1, root: seal.root, heads: leaves }, (v) => batchFromJson(v, input.batch))
  if (seal.leafCount !== leaves.length) {
    throw new LedgerError('BAD_INPUT', `The seal counts ${seal.leafCount} leaves but the batch has ${leaves.length}.`)
  }
  const sealedAt = isoTime(new Date(seal.timestamp * 1000), 'seal timestamp')

  // Leaves are canonical JSON (parsed above) and so are receipt heads: equal text, equal head.
  const indexOf = new Map<string, number>()
  leaves.forEach((leaf, i) => {
    const text = JSON.stringify(leaf)
    if (!indexOf.has(text)) indexOf.set(text, i)
  })
  const used = new Set<number>()
  const receipts = asInput('receipt list', input.receipts, (v) => array(v, 'receipts', (item, where) => {
    const { receipt: raw, contradicts, roots: rawRoots } = (item ?? {}) as { receipt?: unknown, contradicts?: unknown, roots?: unknown }
    const receipt = parseReceipt(raw)
    if (!sameSeal(receipt.seal, seal)) throw new Invalid(`${where} is for another seal`)
    const index = indexOf.get(JSON.stringify(receipt.head))
    if (index === undefined) throw new Invalid(`${where} is for a head that is not in the batch`)
    if (used.has(index)) throw new Invalid(`${where} repeats the receipt of head ${index}`)
    used.add(index)
    if (!sameList(receipt.proof, batch.proofFor(index))) throw new Invalid(`${where} has a proof that is not the batch's proof for its head`)
    const kind = contradicts === undefined ? undefined : oneOf(contradicts, `${where}.contradicts`, ['rewind', 'fork'] as const)
    const roots = rawRoots === undefined ? undefined : rootsOf(rawRoots, receipt.head, `${where}.roots`)
    return { receipt, contradicts: kind, roots }
  }))
  const resealOf = input.resealOf === undefined ? [] : asInput('list of resealed roots', input.resealOf, (v) => array(v, 'resealOf', (r, where) => text(r, where, /^0x[0-9a-f]{64}$/)))

  const contradictions: Contradiction[] = receipts
    .filter((r) => r.contradicts !== undefined)
    .map((r) => ({ key: r.receipt.head.key, length: r.receipt.head.length, kind: r.contradicts as IncidentKind }))

  return {
    root: seal.root,
    sealedAt,
    resealOf,
    record: (seq, indexEntries) => ({
      v: 1,
      seq,
      root: seal.root,
      leafCount: leaves.length,
      leaves,
      seal,
      sealedAt,
      ...(contradictions.length > 0 ? { contradictions } : {}),
      ...(resealOf.length > 0 ? { resealOf } : {}),
      ...(indexEntries !== undefined && indexEntries > 0 ? { indexEntries } : {})
    }),
    receipts: (seq) => receipts.map(({ receipt, contradicts, roots }) => ({
      receipt,
      batch: seq,
      ...(contradicts !== undefined ? { contradicts } : {}),
      ...(roots !== undefined ? { roots } : {})
    }))
  }
}
