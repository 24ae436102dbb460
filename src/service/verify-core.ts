import type { ChainReader } from '../chain'
import { gatherVerifyInput, type AnchorSources, type EvidenceCache, type PinnedTrust } from '../evidence'
import { boundedUpdateOf, HeadsError, keyHex, localReplica, parseKey, type ReplicaSource } from '../heads'
import { LedgerError } from '../ledger'
import type { SealerDeps } from '../sealer'
import { verify, type Verdict } from '../verify'

/** What a verification reads: the sealer's view of the service, the chain reader, the pinned trust root and the answers cache. */
export type VerifyDeps = Pick<SealerDeps, 'watcher' | 'log' | 'journal'> & {
  reader: ChainReader
  trust: PinnedTrust
  cache: EvidenceCache
  updateTimeoutMs: number
  /** Secondary chains' readers and the RFC 3161 checker, for receipts' later anchors. */
  anchors?: AnchorSources
}

/** Hypercore closes every session of a core when it proves a conflict; the watcher reopens it. */
const ATTEMPTS = 3

/**
 * `verify <key> <version>` on the service's own replica, through the one evidence path
 * (src/evidence): the receipts and incidents from the ledger, the replica's head, then the
 * chain's answers and the replica's tree for the plan, judged by the pure verifier against the
 * service's own trust root, exactly as an independent verifier holding that root would. Every
 * stored receipt is checked again: a tampered ledger or chain answer gives `invalid`.
 */
export async function verifyCore (deps: VerifyDeps, key: string, version: number): Promise<Verdict> {
  const hex = keyHex(parseKey(key))
  const ownLog = hex === deps.log.key.toString('hex')
  if (!ownLog && await deps.journal.getWatch(hex) === null) {
    throw new HeadsError('NOT_WATCHED', `Core ${hex} is not watched by this service, so it has no replica to verify.`)
  }
  const replica = async (): Promise<ReplicaSource> => {
    if (!ownLog) return await deps.watcher.replicaSource(hex)
    await boundedUpdateOf(deps.log.core, deps.updateTimeoutMs)
    return localReplica(deps.log.core, { timeoutMs: deps.updateTimeoutMs })
  }
  for (let attempt = 1; ; attempt++) {
    const source = await replica()
    let receipts, incidents
    try {
      receipts = (await deps.log.standingReceipts(hex, version, source.head().length)).map((e) => e.receipt)
      incidents = await deps.log.listIncidents({ key: hex })
    } catch (err) {
      // An entry that contradicts its own index was written past the ledger's API: tampering.
      if (err instanceof LedgerError && err.code === 'CORRUPT_ENTRY') return corruptLedgerVerdict(hex, version, source.head(), err.message, deps.trust.fingerprint)
      throw err
    }
    try {
      const { input } = await gatherVerifyInput({ key: hex, version, receipts, incidents }, { replica: source, chain: deps.reader, trust: deps.trust, cache: deps.cache, ...(deps.anchors !== undefined ? { anchors: deps.anchors } : {}) })
      return verify(input)
    } catch (err) {
      if (!(err instanceof HeadsError && err.code === 'CORE_FAILED') || attempt >= ATTEMPTS) throw err
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
    }
  }
}

function corruptLedgerVerdict (key: string, version: number, replica: { length: number, fork: number }, detail: string, trust: string): Verdict {
  const reason = `The service's ledger holds a corrupt entry for this core, so none of its receipts can be trusted: ${detail}`
  return {
    key,
    version,
    status: 'invalid',
    sealedAt: null,
    final: false,
    receipt: null,
    replica: { length: replica.length, fork: replica.fork, treeHash: null },
    incidents: [],
    reason,
    chain: null,
    trust,
    checks: [{ check: 'receipts', ok: false, detail: reason }]
  }
}
