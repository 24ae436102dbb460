/**
 * The receipts log as an independent verifier's second witness. A service's public receipts log
 * (named by the pinned trust root) is replicated sparsely from its peers; its own head is checked
 * against the log's latest seal on chain, exactly as any core is (the log is a leaf of every
 * batch); then a core's receipts and incidents are read from it. So an independent verdict sees
 * the same later incidents (a rewind while the replica looked fine) as the service's, and a
 * service that rewrote its log to hide one is caught by the log's own seal.
 *
 * Entries written after the log's latest seal are not sealed yet, but each is still evidence on
 * its own: receipts are checked against the chain, incidents carry the writer's signatures.
 */
import type { ChainReader } from '../chain'
import { openRemoteCore, remoteReplica, type PeerAddress, type RemoteCore } from '../heads'
import { ReceiptsLog } from '../ledger'
import type { Incident, Receipt } from '../seal'
import { verify, type SealedRoots, type Verdict } from '../verify'
import type { EvidenceCache } from './chain'
import { gatherVerifyInput, type PinnedTrust } from './gather'

export interface Witness {
  /** The receipts log's key and its head when read. */
  log: { key: string, length: number, fork: number }
  /** The log against its own latest seal: `verified`, or `pending` when it was never sealed. */
  logVerdict: Verdict | null
  receipts: Receipt[]
  incidents: Incident[]
  /** The roots the log kept for the core's sealed heads: they decide a longer peer's mismatch. */
  sealedRoots: SealedRoots[]
}

/**
 * What a verify of `version` needs of a core's seals, read by the log's seal index (a few blocks,
 * whatever the history), or every receipt when the log has no index (an older service); with the
 * log's later anchors of each batch root (receipts v2): the same receipts the service serves.
 */
async function sealsFor (log: ReceiptsLog, key: string, version: number, replicaLength: number): Promise<{ receipts: Receipt[], sealedRoots: SealedRoots[] }> {
  const entries = await log.standingReceipts(key, version, replicaLength)
  return {
    receipts: entries.map((e) => e.receipt),
    sealedRoots: entries.flatMap((e) => (e.roots === undefined ? [] : [{ length: e.receipt.head.length, treeHash: e.receipt.head.treeHash, roots: e.roots }]))
  }
}

export interface WitnessRequest {
  key: string
  /** The version asked and the replica's length: the receipts read are those a verify of it needs (by the log's seal index when it has one). */
  version: number
  replicaLength: number
  trust: PinnedTrust
  /** Where the log is served; default: the trust root's peers for it. */
  peers: readonly PeerAddress[]
  /** The log, already replicating (the caller opened it beside the replica and closes it); else it is opened here from `peers`. */
  remote?: RemoteCore
  reader: ChainReader
  timeoutMs: number
  cache?: EvidenceCache
  /** Told how long replicating and reading the log, and checking it against its seal, took (ms). */
  onPhase?: (phase: 'log' | 'log-check', ms: number) => void
}

export async function readWitness (req: WitnessRequest): Promise<Witness> {
  const named = req.trust.root.receiptsLogs[0]
  if (named === undefined) throw new TypeError('readWitness needs a trust root that names a receipts log')
  const logKey = Buffer.from(named.key, 'hex')
  const started = performance.now()
  const remote = req.remote ?? await openRemoteCore(req.peers, logKey, req.timeoutMs)
  try {
    // One fixed version of the log: appends landing meanwhile do not mix in.
    const snapshot = remote.core.snapshot()
    await snapshot.ready()
    const log = await ReceiptsLog.openReadOnly(snapshot)
    try {
      // The log's own latest seal: the longest head of it sealed, and what a verify of that needs.
      const latest = await log.latestReceipt(named.key)
      const sealedLength = latest === null ? 0 : latest.receipt.head.length
      const own = sealedLength === 0 ? { receipts: [], sealedRoots: [] } : await sealsFor(log, named.key, sealedLength, snapshot.length)
      const logReceipts = own.receipts
      const { receipts, sealedRoots } = await sealsFor(log, req.key, req.version, req.replicaLength)
      const incidents = await log.listIncidents({ key: req.key })
      req.onPhase?.('log', performance.now() - started)
      const checking = performance.now()
      let logVerdict: Verdict | null = null
      if (sealedLength > 0) {
        const { input } = await gatherVerifyInput({ key: named.key, version: sealedLength, receipts: logReceipts, sealedRoots: own.sealedRoots }, {
          replica: remoteReplica(remote, req.timeoutMs, { freeze: false }), chain: req.reader, trust: req.trust, ...(req.cache ? { cache: req.cache } : {})
        })
        logVerdict = verify(input)
      }
      req.onPhase?.('log-check', performance.now() - checking)
      return { log: { key: named.key, length: snapshot.length, fork: snapshot.fork }, logVerdict, receipts, incidents, sealedRoots }
    } finally {
      await log.close()
    }
  } finally {
    if (req.remote === undefined) await remote.close()
  }
}
