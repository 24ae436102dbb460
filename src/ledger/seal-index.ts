/**
 * Two indexes of a core's seals, so that a verify reads the few receipts its plan needs (src/verify
 * select.ts), not every receipt of the core's history:
 *
 *   seal!<key>!<seq>!<length>!<fork>  → receipt key   (every seal of the core, in batch = chain order)
 *   high!<key>!<length>!<seq>          → receipt key   (the record highs: seals longer than every earlier one)
 *   index!seals                        → "v1"          (the indexes cover every receipt of the log)
 *
 * A batch writes its index entries in the same append as its receipts, and counts them in its
 * record (`indexEntries`), so the blocks a batch appends stay known (ReceiptsLog.unsealedChanges);
 * the first batch of a new log also writes the marker (an older log gets it at open).
 *
 * The earliest seal covering version v (the deciding one) is always a record high: every seal
 * before it is shorter than v. Record highs grow in both seq and length, so the first record high
 * of length ≥ v is the earliest seal covering v: one range read. The most recent seal the replica
 * reaches (length ≤ its length) is nearly always the latest seal: a reverse read of `seal!` that
 * stops at the first that fits (bounded; past the bound the verifier simply has no `within` seal).
 *
 * A log written before these indexes gets them at open (one pass over its receipts); a replicated
 * log without them (an older service) answers null, and the caller reads every receipt.
 */
import { LedgerError } from './errors'
import * as K from './keys'
import type { LedgerBee, WriteTx } from './ledger-bee'

export const INDEX_MARKER = 'index!seals'
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
function seqOfHighKey (highKey: string): number {
  return Number(highKey.slice(highKey.lastIndexOf(K.SEP) + 1))
}

/**
 * The index entries of batch `seq`'s receipts, read inside its write. A record high is longer
 * than every seal of the core in an *earlier* batch (and than the shorter ones of its own), so
 * writing the same batch again after a crash plans exactly the same entries.
 */
export async function planSealIndex (tx: WriteTx, seq: number, seals: readonly SealToIndex[]): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = []
  const byCore = new Map<string, SealToIndex[]>()
  for (const s of seals) byCore.set(s.key, [...(byCore.get(s.key) ?? []), s])
  for (const [key, own] of byCore) {
    const tops = await tx.range({ ...K.prefixRange(highPrefix(key)), reverse: true, limit: own.length + 1 })
    const earlier = tops.find((e) => seqOfHighKey(e.key) < seq)
    let top = earlier === undefined ? 0 : lengthOfReceiptKey(String(earlier.value))
    for (const s of [...own].sort((a, b) => a.length - b.length || a.fork - b.fork)) {
      out.push([sealKey(key, seq, s.length, s.fork), s.receiptKey])
      if (s.length > top) {
        out.push([highKey(key, s.length, seq), s.receiptKey])
        top = s.length
      }
    }
  }
  return out
}

/** Builds the indexes of a log written before them, batch by batch, in bounded writes. */
export async function ensureSealIndex (bee: LedgerBee): Promise<void> {
  if (await bee.get(INDEX_MARKER) !== undefined) return
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
        for (const [k, v] of await planSealIndex(tx, seq, bySeq.get(seq)!)) if (k !== INDEX_MARKER) await tx.putOnce(k, v)
      }
    })
  }
  await bee.write(async (tx) => { await tx.putOnce(INDEX_MARKER, 'v1') })
}

/**
 * The receipt keys a verify of `version` needs: the deciding seal's and the latest seal within
 * `replicaLength` (when given). Null when the log has no seal index.
 */
export async function verifySealKeys (bee: LedgerBee, key: string, version: number, replicaLength?: number): Promise<string[] | null> {
  if (await bee.get(INDEX_MARKER) === undefined) return null
  const out = new Set<string>()
  const [deciding] = await bee.range({ gte: highPrefix(key) + K.pad(version, 'version'), lt: highPrefix(key) + K.END, limit: 1 })
  if (deciding !== undefined) out.add(String(deciding.value))
  if (replicaLength !== undefined) {
    const recent = await bee.range({ ...K.prefixRange(`seal!${key}!`), reverse: true, limit: WITHIN_SCAN })
    const within = recent.find((e) => lengthOfReceiptKey(String(e.value)) <= replicaLength)
    if (within !== undefined) out.add(String(within.value))
  }
  return [...out]
}
