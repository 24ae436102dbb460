/**
 * Two indexes of a core's seals, so that a verify reads the few receipts its plan needs (src/verify
 * select.ts), not every receipt of the core's history:
 *
 *   high!<key>!<length>!<seq>          → receipt key   (the record highs: seals longer than every earlier one)
 *   seal!<key>!<seq>!<length>!<fork>  → receipt key   (v2: the seals that are not record highs; v1: every seal)
 *   index!seals2                       → "v2"          (the indexes cover every receipt of the log, v2 layout)
 *   index!seals                        → "v1"          (the same, v1 layout: a log indexed before v2)
 *
 * A batch writes its index entries in the same append as its receipts, and counts them in its
 * record (`indexEntries`), so the blocks a batch appends stay known (ReceiptsLog.unsealedChanges);
 * the first batch of a new log also writes the marker (an older log gets it at open).
 *
 * The earliest seal covering version v (the deciding one) is always a record high: every seal
 * before it is shorter than v. Record highs grow in both seq and length, so the first record high
 * of length ≥ v is the earliest seal covering v: one range read. The most recent seal the replica
 * reaches (length ≤ its length, highest seq) is either a record high — then the last record high
 * of length ≤ that length, since highs grow in seq as in length — or not — then it is in `seal!`,
 * found by a reverse read that stops at the first that fits (bounded; past the bound the
 * verifier simply has no `within` seal). Both are read and the later one is the answer.
 *
 * v2 writes `seal!` only for the seals that are not record highs (after a rewind, a re-seal at
 * the same length): a core that only grows, nearly every core, costs two entries per receipt
 * instead of three (the receipts log's write was a third of a 10,000-head pass, most of it one
 * Hyperbee block per entry). The reads above answer the same on both layouts, so an old log
 * needs no rewrite: it keeps v1 (every seal in `seal!`) for its new batches too, so that a
 * reader of this code's age or older reads it right. A reader older than v2 finds no v1 marker
 * on a v2 log and reads every receipt (correct, slower).
 *
 * A log written before these indexes gets them at open (one pass over its receipts, v1); a
 * replicated log without them (an older service) answers null, and the caller reads every receipt.
 */
import { LedgerError } from './errors'
import * as K from './keys'
import type { LedgerBee, WriteTx } from './ledger-bee'

/** The v1 marker: every seal is in `seal!`. */
export const INDEX_MARKER = 'index!seals'
/** The v2 marker: `seal!` holds the seals that are not record highs. */
export const SPARSE_INDEX_MARKER = 'index!seals2'
export type IndexLayout = 'v1' | 'v2'
/** How far back a reverse read looks for the latest seal within a replica's length. */
export const WITHIN_SCAN = 64

export const sealKey = (key: string, seq: number, length: number, fork: number): string => `seal!${key}!${K.pad(seq)}!${K.pad(length, 'length')}!${K.pad(fork, 'fork')}`
export const highPrefix = (key: string): string => `high!${key}!`
export const highKey = (key: string, length: number, seq: number): string => `high!${key}!${K.pad(length, 'length')}!${K.pad(seq)}`

/** The length in a receipt key (`receipt!<key>!<length>!<seq>!<fork>`). */
export function lengthOfReceiptKey (receiptKey: string): number {
  const parts = receiptKey.split(K.SEP)
  const length = Number(parts[2])
  if (parts.length !== 5 || parts[0] !== 'receipt' || !Number.isSafeInteger(length)) {
    throw new LedgerError('CORRUPT_ENTRY', `The seal index points to ${receiptKey.slice(0, 120)}, which is not a receipt key.`)
  }
  return length
}

export interface SealToIndex { key: string, length: number, fork: number, receiptKey: string }

/** The seq in a high key (`high!<key>!<length>!<seq>`). */
export function seqOfHighKey (highKey: string): number {
  return Number(highKey.slice(highKey.lastIndexOf(K.SEP) + 1))
}

/** The seq in a seal key (`seal!<key>!<seq>!<length>!<fork>`). */
export function seqOfSealKey (sealKey: string): number {
  return Number(sealKey.split(K.SEP)[2])
}

/** The layout of the log's indexes, null when it has none (read-only logs of older services). */
export async function indexLayout (bee: Pick<LedgerBee, 'get'>): Promise<IndexLayout | null> {
  if (await bee.get(SPARSE_INDEX_MARKER) !== undefined) return 'v2'
  if (await bee.get(INDEX_MARKER) !== undefined) return 'v1'
  return null
}

/**
 * The index entries of batch `seq`'s receipts, read inside its write. A record high is longer
 * than every seal of the core in an *earlier* batch (and than the shorter ones of its own), so
 * writing the same batch again after a crash plans exactly the same entries.
 */
/**
 * `knownTop`: the greatest length a core sealed before this batch, when the caller knows it
 * (seal-summaries.ts): the length of its last record high, so it is not read.
 */
export async function planSealIndex (tx: WriteTx, seq: number, seals: readonly SealToIndex[], layout: IndexLayout, knownTop: (key: string) => number | undefined = () => undefined): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = []
  const byCore = new Map<string, SealToIndex[]>()
  for (const s of seals) {
    const own = byCore.get(s.key)
    if (own === undefined) byCore.set(s.key, [s])
    else own.push(s)
  }
  // Each core's highs are one B-tree walk, mostly waiting on storage: read side by side.
  const cores = [...byCore]
  const topOf = async (key: string, own: SealToIndex[]): Promise<number> => {
    const known = knownTop(key)
    if (known !== undefined) return known
    const tops = await tx.range({ ...K.prefixRange(highPrefix(key)), reverse: true, limit: own.length + 1 })
    const earlier = tops.find((e) => seqOfHighKey(e.key) < seq)
    return earlier === undefined ? 0 : lengthOfReceiptKey(String(earlier.value))
  }
  const highs = await tx.readMany(cores, async ([key, own]) => await topOf(key, own))
  for (const [i, [key, own]] of cores.entries()) {
    let top = highs[i]
    for (const s of [...own].sort((a, b) => a.length - b.length || a.fork - b.fork)) {
      const high = s.length > top
      if (layout === 'v1' || !high) out.push([sealKey(key, seq, s.length, s.fork), s.receiptKey])
      if (high) {
        out.push([highKey(key, s.length, seq), s.receiptKey])
        top = s.length
      }
    }
  }
  return out
}

/** Builds the indexes of a log written before them, batch by batch, in bounded writes. */
export async function ensureSealIndex (bee: LedgerBee): Promise<void> {
  if (await indexLayout(bee) !== null) return
  const receipts = await bee.rangeLazy(K.prefixRange('receipt!'))
  if (receipts.length === 0) return // a new log: its first batch marks it
  // By batch, oldest first: each batch's record highs are judged against the batches before it.
  const bySeq = new Map<number, SealToIndex[]>()
  for (const e of receipts) {
    const [, key, length, seq, fork] = e.key.split(K.SEP)
    bySeq.set(Number(seq), [...(bySeq.get(Number(seq)) ?? []), { key, length: Number(length), fork: Number(fork), receiptKey: e.key }])
  }
  const seqs = [...bySeq.keys()].sort((a, b) => a - b)
  const CHUNK = 256
  for (let i = 0; i < seqs.length; i += CHUNK) {
    await bee.write(async (tx) => {
      for (const seq of seqs.slice(i, i + CHUNK)) {
        for (const [k, v] of await planSealIndex(tx, seq, bySeq.get(seq)!, 'v1')) if (k !== INDEX_MARKER) await tx.putOnce(k, v)
      }
    })
  }
  await bee.write(async (tx) => { await tx.putOnce(INDEX_MARKER, 'v1') })
}

/**
 * The receipt keys a verify of `version` needs: the deciding seal's and the latest seal within
 * `replicaLength` (when given). Null when the log has no seal index. `layout`: the log's own,
 * when the caller knows it (the log this process writes), so that it is not read.
 */
export async function verifySealKeys (bee: LedgerBee, key: string, version: number, replicaLength?: number, layout?: IndexLayout): Promise<string[] | null> {
  if ((layout ?? await indexLayout(bee)) === null) return null
  const out = new Set<string>()
  const [deciding] = await bee.range({ gte: highPrefix(key) + K.pad(version, 'version'), lt: highPrefix(key) + K.END, limit: 1 })
  if (deciding !== undefined) out.add(String(deciding.value))
  if (replicaLength !== undefined) {
    // The later (seq, then length) of the last record high within the replica and the latest other seal within it.
    const [high] = replicaLength < 1 ? [] : await bee.range({ gte: highPrefix(key), lt: highKey(key, replicaLength, Number.MAX_SAFE_INTEGER), reverse: true, limit: 1 })
    const recent = await bee.range({ ...K.prefixRange(`seal!${key}!`), reverse: true, limit: WITHIN_SCAN })
    const other = recent.find((e) => lengthOfReceiptKey(String(e.value)) <= replicaLength)
    const candidates = [
      ...(high === undefined ? [] : [{ seq: seqOfHighKey(high.key), receiptKey: String(high.value) }]),
      ...(other === undefined ? [] : [{ seq: seqOfSealKey(other.key), receiptKey: String(other.value) }])
    ].map((c) => ({ ...c, length: lengthOfReceiptKey(c.receiptKey) }))
    const within = candidates.sort((a, b) => b.seq - a.seq || b.length - a.length)[0]
    if (within !== undefined) out.add(within.receiptKey)
  }
  return [...out]
}
