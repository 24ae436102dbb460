/**
 * `hyperseal verify` without trusting any service: the pinned trust root, any JSON-RPC endpoint,
 * and a replica (your Corestore, a peer, or by default the service's own replication endpoint,
 * whose answers are checked as upgrade proofs, not trusted). By default the service's public
 * receipts log is the second witness (src/evidence/witness.ts): receipts and later incidents come
 * from it, and the log itself is checked against its seal on chain, so the verdict is the one the
 * service gives for the same replica. `--offline` uses receipt files instead, and says so.
 *
 * The CLI only parses, gathers (src/evidence, src/heads) and calls the pure verifier.
 */
import { createChainReader, type ChainReader } from '../chain'
import { checkRfc3161Token, gatherVerifyInput, readWitness, type AnchorSources, type PinnedTrust } from '../evidence'
import { openRemoteCore, openRemoteReplica, openStorageReplica, parsePeer, type OpenReplica, type PeerAddress } from '../heads'
import { verify, type SealedRoots, type Verdict } from '../verify'
import { blobsLengthAt, recognise, structureVerdict, type Structure } from '../structures'
import { CliError } from './errors'
import { loadReceipts } from './receipt-files'

export interface IndependentOptions {
  trust: PinnedTrust
  /** JSON-RPC URL; default: the trust root's hint for the chain. */
  rpc?: string
  offline: boolean
  /** --offline: receipt files. */
  receipt?: string
  storage?: string
  peers: string[]
  logPeers: string[]
  /** JSON-RPC endpoints of secondary anchors' chains (each one's chain id is read from it); default: the trust root's hints. */
  anchorRpcs?: string[]
  timeoutMs: number
  /** Told how long each step took, in ms (HYPERSEAL_TIMINGS; bench/verify-cold.ts). */
  onPhase?: (phase: string, ms: number) => void
}

export interface IndependentResult {
  verdict: Verdict
  /** Later incidents were not checked (no receipts log was read). */
  offline: boolean
  /** The receipts log read as witness, and how it stands against its own seal. */
  log: { key: string, length: number, sealed: 'verified' | 'unsealed' } | null
}

function peersOf (list: readonly string[]): PeerAddress[] {
  return list.map((p) => parsePeer(p))
}

/**
 * A core's verdict, or a Hyperbee's or Hyperdrive's (`kind`, `parts`) when the replica's block 0
 * shows one: a drive's blobs length at `version` is read from the db replica before its tree is
 * proven, then the blobs core is verified the same way at that length.
 */
export async function verifyIndependently (key: string, version: number, opts: IndependentOptions): Promise<IndependentResult> {
  let structure: Structure | null = null
  let blobsLength: number | null = null
  const db = await verifyOne(key, version, opts, async (replica) => {
    structure = await recognise(replica.core, opts.timeoutMs)
    if (structure?.kind === 'hyperdrive' && replica.head().length >= version) blobsLength = await blobsLengthAt(replica.core, version, opts.timeoutMs)
  })
  if (!opts.offline && db.log === null) return db // the receipts log failed its own seal
  const verdict = await structureVerdict(structure, key, version, db.verdict, {
    blobsLength: async () => blobsLength,
    verifyBlobs: async (blobs, length) => (await verifyOne(blobs, length, opts)).verdict
  })
  return { ...db, verdict }
}

async function verifyOne (key: string, version: number, opts: IndependentOptions, read?: (replica: OpenReplica) => Promise<void>): Promise<IndependentResult> {
  const chain = opts.trust.root.chains[0]
  const rpcUrl = opts.rpc ?? chain.rpc[0]
  if (rpcUrl === undefined) throw new CliError('BAD_INPUT', `Give --rpc <url>: a JSON-RPC endpoint of chain ${chain.chainId} (any node; its answers are checked, not trusted).`)
  if (!opts.offline && opts.receipt !== undefined) throw new CliError('BAD_INPUT', '--receipt reads receipts from files: add --offline (then later incidents are not checked), or leave it out to read them from the service\'s receipts log.')
  if (opts.offline && opts.receipt === undefined) throw new CliError('BAD_INPUT', '--offline needs the receipts as files: --receipt <file or directory> (hyperseal receipts export writes them).')
  const logPeers = opts.logPeers.length > 0 ? opts.logPeers : opts.trust.root.receiptsLogs[0]?.peers ?? []
  if (!opts.offline && opts.trust.root.receiptsLogs.length === 0) {
    throw new CliError('BAD_INPUT', 'The trust root names no receipts log to read receipts and incidents from: use --offline --receipt <files>, or a trust root exported from the service.')
  }
  if (opts.offline && opts.storage === undefined && opts.peers.length === 0) throw new CliError('BAD_INPUT', 'Give the replica: --storage <dir> (your own Corestore) or --peer <host:port> (a remote one).')
  if (opts.storage !== undefined && opts.peers.length > 0) throw new CliError('BAD_INPUT', 'Give the replica as one of --storage <dir> or --peer <host:port>, not both.')

  // The chain reader, the replica and the receipts log are three independent connections: opened
  // side by side, a cold verify waits for the slowest, not for their sum.
  const began = performance.now()
  const keyBuf = Buffer.from(key, 'hex')
  const logKey = opts.offline ? null : Buffer.from(opts.trust.root.receiptsLogs[0].key, 'hex')
  const opened = await Promise.allSettled([
    timedStep('rpc-connect', opts, () => createChainReader({ rpcUrl, timeoutMs: opts.timeoutMs })),
    timedStep('replica-open', opts, () => opts.storage !== undefined
      ? openStorageReplica(opts.storage, keyBuf, opts.timeoutMs)
      : openRemoteReplica(peersOf(opts.peers.length > 0 ? opts.peers : logPeers), keyBuf, opts.timeoutMs)),
    logKey === null ? Promise.resolve(null) : timedStep('log-open', opts, () => openRemoteCore(peersOf(logPeers), logKey, opts.timeoutMs))
  ])
  const [readerOpened, replicaOpened, logOpened] = opened
  const reader = readerOpened.status === 'fulfilled' ? readerOpened.value : undefined
  const replica: OpenReplica | undefined = replicaOpened.status === 'fulfilled' ? replicaOpened.value : undefined
  const logRemote = logOpened.status === 'fulfilled' ? logOpened.value : null
  const readers: ChainReader[] = []
  try {
    const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    await read?.(replica!)
    let receipts
    let incidents
    let sealedRoots: SealedRoots[] = []
    let log: IndependentResult['log'] = null
    if (opts.offline) {
      receipts = loadReceipts(opts.receipt!, key)
      if (receipts.length === 0) throw new CliError('BAD_INPUT', `${opts.receipt} holds no receipt of core ${key}.`)
      incidents = [] as const
    } else {
      const witness = await readWitness({
        key, version, replicaLength: replica!.head().length, trust: opts.trust, peers: peersOf(logPeers), remote: logRemote!, reader: reader!, timeoutMs: opts.timeoutMs, ...(opts.onPhase ? { onPhase: opts.onPhase } : {})
      })
      if (witness.logVerdict !== null && witness.logVerdict.status !== 'verified') return { verdict: logFailure(key, version, witness.logVerdict, opts.trust.fingerprint), offline: false, log: null }
      receipts = witness.receipts
      incidents = witness.incidents
      sealedRoots = witness.sealedRoots
      log = { key: witness.log.key, length: witness.log.length, sealed: witness.logVerdict === null ? 'unsealed' : 'verified' }
    }
    const anchors = await anchorSources(opts, chain.chainId)
    readers.push(...anchors.readers)
    const { input } = await gatherVerifyInput({ key, version, receipts, incidents, sealedRoots }, { replica: replica!, chain: reader!, trust: opts.trust, anchors: anchors.sources, ...(opts.onPhase ? { onPhase: opts.onPhase } : {}) })
    const start = performance.now()
    const verdict = verify(input)
    opts.onPhase?.('verify', performance.now() - start)
    opts.onPhase?.('work', performance.now() - began)
    return { verdict, offline: opts.offline, log }
  } finally {
    await Promise.all([replica?.close(), logRemote?.close()])
    reader?.close()
    for (const r of readers) r.close()
  }
}

/**
 * Readers of the secondary anchors' chains (`--anchor-rpc`, else the trust root's hints for its
 * other chains) and the RFC 3161 token check: every clock of a receipt is checked here, without
 * the service. An endpoint that cannot be reached leaves its clock "not checked" in the verdict.
 */
async function anchorSources (opts: IndependentOptions, primary: number): Promise<{ sources: AnchorSources, readers: ChainReader[] }> {
  const urls = opts.anchorRpcs !== undefined && opts.anchorRpcs.length > 0
    ? opts.anchorRpcs
    : opts.trust.root.chains.filter((c) => c.chainId !== primary).flatMap((c) => c.rpc.slice(0, 1))
  const readers = (await Promise.allSettled(urls.map((rpcUrl) => createChainReader({ rpcUrl, timeoutMs: opts.timeoutMs }))))
    .flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  if (opts.anchorRpcs !== undefined && readers.length < opts.anchorRpcs.length) {
    for (const r of readers) r.close()
    throw new CliError('BAD_INPUT', 'An --anchor-rpc endpoint did not answer eth_chainId; check the URL.')
  }
  return { sources: { chains: new Map(readers.map((r) => [r.chainId, r])), timestamps: checkRfc3161Token }, readers }
}

async function timedStep<T> (phase: string, opts: IndependentOptions, step: () => Promise<T>): Promise<T> {
  const start = performance.now()
  try {
    return await step()
  } finally {
    opts.onPhase?.(phase, performance.now() - start)
  }
}

/** The service's receipts log contradicts its own seal: nothing read from it can be trusted. */
function logFailure (key: string, version: number, logVerdict: Verdict, trust: string): Verdict {
  const reason = `The service's receipts log (the witness of receipts and incidents) does not match its own seal on chain (${logVerdict.status}: ${logVerdict.reason}) so nothing read from it can be trusted.`
  return {
    key, version, status: 'invalid', sealedAt: null, final: false, receipt: null,
    replica: { length: 0, fork: 0, treeHash: null }, incidents: [], reason, chain: null, trust,
    checks: [...logVerdict.checks, { check: 'receipts', ok: false, detail: reason }]
  }
}
