/**
 * The two reads of a core's seals a request makes most (a verify, a list of cores), shortened
 * on the log this process writes by the seal summaries it keeps (seal-summaries.ts): each core's
 * most recent seal (batch, length, fork, root, time) is known without a B-tree walk of the log,
 * whose depth grows with every receipt (issue 11 item 7: a request costs what it asks, not what
 * the log holds). A read-only log, or a core whose summary is not known, reads by index.
 */
import { LedgerError } from './errors'
import * as K from './keys'
import type { LedgerBee } from './ledger-bee'
import { receiptOf } from './log-entries'
import type { ReceiptEntry } from './log-records'
import { latestSealBefore } from './report-reads'
import { verifySealKeys, type IndexLayout } from './seal-index'
import type { LastSeal, SealSummaries } from './seal-summaries'

/** What the log this process writes knows of itself. */
export interface OwnLog { summaries: SealSummaries, layout: IndexLayout }

/**
 * What a verify of `version` needs of a core's seals (seal-index.ts): the earliest seal covering
 * it and the latest one within `replicaLength`, read by index, whatever the core's history.
 * Null when they cannot be read that way (a log without the index, or a resealed root among
 * them): then read every receipt.
 *
 * When the replica reaches the core's most recent seal and that seal is its batch's only one of
 * the core, it is the latest within the replica (the index would find it too: the highest seq),
 * so only the deciding seal is looked up; a core never sealed needs no read at all.
 */
export async function verifyEntries (bee: LedgerBee, key: string, version: number, replicaLength: number | undefined, own: OwnLog | null, resealedRoots: () => Promise<ReadonlySet<string>>): Promise<ReceiptEntry[] | null> {
  const summary = own?.summaries.get(key)
  if (summary !== undefined && summary.latest === null) return []
  const latest = summary?.latest
  const within = replicaLength !== undefined && latest !== undefined && latest !== null && !latest.several && latest.length <= replicaLength
    ? K.receiptKey(key, latest.length, latest.batch, latest.fork)
    : null
  const keys = await verifySealKeys(bee, key, version, within === null ? replicaLength : undefined, own?.layout)
  if (keys === null) return null
  if (within !== null && !keys.includes(within)) keys.push(within)
  const entries: ReceiptEntry[] = []
  for (const receiptKey of keys) {
    const value = await bee.get(receiptKey)
    if (value === undefined) throw new LedgerError('CORRUPT_ENTRY', `The seal index points to ${receiptKey}, which holds no receipt.`)
    entries.push(receiptOf({ key: receiptKey, value }))
  }
  if (entries.length > 0) {
    const resealed = await resealedRoots()
    if (entries.some((e) => resealed.has(e.receipt.seal.root))) return null
  }
  return entries
}

/**
 * The core's most recent seal (the highest batch; of several heads in it, the longest), as a
 * list of cores shows it ("last sealed" is the most recent, docs/decisions.md): from memory when
 * the log knows it, else by index.
 */
export async function lastSealOf (bee: LedgerBee, key: string, summaries: SealSummaries | null): Promise<LastSeal | null> {
  const latest = summaries?.get(key)?.latest
  if (latest === null) return null
  if (latest !== undefined && !latest.several) return { length: latest.length, fork: latest.fork, root: latest.root, sealedAt: latest.sealedAt }
  const entry = await latestSealBefore(bee, key)
  if (entry === null) return null
  const { head, seal } = entry.receipt
  return { length: head.length, fork: head.fork, root: seal.root, sealedAt: seal.timestamp }
}
