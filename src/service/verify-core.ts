import { HeadsError, keyHex, parseKey, readReplicaView, type ReplicaView } from '../heads'
import { LedgerError } from '../ledger'
import type { SealerDeps } from '../sealer'
import { planVerify, verify, type ChainView, type SealAnswer, type Verdict } from '../verify'

/** What a verification reads: the sealer's view of the service, plus the bound on peer updates. */
export type VerifyDeps = Pick<SealerDeps, 'watcher' | 'log' | 'journal' | 'chain' | 'chainId' | 'contract' | 'confirmations'> & {
  updateTimeoutMs: number
}

/**
 * `verify <key> <version>` on the service's own replica: the receipts and incidents from the
 * ledger, the replica's tree at the deciding seal's length (after a bounded update from its
 * peers), and the chain's answers for that seal — then the pure verifier decides. Every stored
 * receipt is checked again here: a tampered ledger or chain answer gives `invalid`.
 */
export async function verifyCore (deps: VerifyDeps, key: string, version: number): Promise<Verdict> {
  const hex = keyHex(parseKey(key))
  const ownLog = hex === deps.log.key.toString('hex')
  if (!ownLog && await deps.journal.getWatch(hex) === null) {
    throw new HeadsError('NOT_WATCHED', `Core ${hex} is not watched by this service, so it has no replica to verify.`)
  }
  const view = async (lengths: number[]): Promise<ReplicaView> => ownLog
    ? await readReplicaView(deps.log.core, lengths, { timeoutMs: deps.updateTimeoutMs })
    : await deps.watcher.replicaView(hex, lengths)
  let receipts, incidents
  try {
    // A batch the chain forgot was sealed again with new receipts (sealer/reseal.ts): the old
    // receipts of its root are superseded, not evidence of tampering.
    const resealed = await deps.log.resealedRoots()
    receipts = (await deps.log.receipts(hex)).map((e) => e.receipt).filter((r) => !resealed.has(r.seal.root))
    incidents = await deps.log.listIncidents({ key: hex })
  } catch (err) {
    // An entry that contradicts its own index was written past the ledger's API: tampering.
    if (err instanceof LedgerError && err.code === 'CORRUPT_ENTRY') return corruptLedgerVerdict(hex, version, await view([]), err.message)
    throw err
  }
  const plan = planVerify({ key: hex, version, receipts })
  const replica = await view(plan.lengths)
  return verify({
    key: hex,
    version,
    receipts,
    incidents,
    replica: { length: replica.length, fork: replica.fork, treeHash: replica.treeHash ?? null, treeHashAt: (l) => replica.treeHashes[l] },
    chain: await chainView(deps, plan.roots, plan.blockNumbers)
  })
}

async function chainView (deps: VerifyDeps, roots: string[], blockNumbers: number[]): Promise<ChainView> {
  const seals: Record<string, SealAnswer | null> = {}
  for (const root of roots) {
    const found = await deps.chain.findSeal(root)
    seals[root] = found === null ? null : { timestamp: found.timestamp, blockNumber: found.blockNumber, txHash: found.txHash, leafCount: found.leafCount }
  }
  const blockHashes: Record<number, string | null> = {}
  for (const n of blockNumbers) blockHashes[n] = (await deps.chain.getBlock(n))?.hash ?? null
  return {
    chainId: deps.chainId,
    contract: deps.contract,
    headBlock: await deps.chain.blockNumber(),
    confirmationsRequired: Math.max(1, deps.confirmations),
    seals,
    blockHashes
  }
}

function corruptLedgerVerdict (key: string, version: number, replica: ReplicaView, detail: string): Verdict {
  return {
    key,
    version,
    status: 'invalid',
    sealedAt: null,
    final: false,
    receipt: null,
    replica: { length: replica.length, fork: replica.fork, treeHash: replica.treeHash ?? null },
    incidents: [],
    reason: `The service's ledger holds a corrupt entry for this core, so none of its receipts can be trusted: ${detail}`
  }
}
