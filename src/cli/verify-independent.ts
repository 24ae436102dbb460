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
import { createChainReader } from '../chain'
import { gatherVerifyInput, readWitness, type PinnedTrust } from '../evidence'
import { openRemoteReplica, openStorageReplica, parsePeer, type OpenReplica, type PeerAddress } from '../heads'
import { verify, type SealedRoots, type Verdict } from '../verify'
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

export async function verifyIndependently (key: string, version: number, opts: IndependentOptions): Promise<IndependentResult> {
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

  const connecting = performance.now()
  const reader = await createChainReader({ rpcUrl, timeoutMs: opts.timeoutMs })
  opts.onPhase?.('rpc-connect', performance.now() - connecting)
  let replica: OpenReplica | undefined
  try {
    // The replica's head first: which receipts a verify needs depends on it.
    const keyBuf = Buffer.from(key, 'hex')
    const opening = performance.now()
    replica = opts.storage !== undefined
      ? await openStorageReplica(opts.storage, keyBuf, opts.timeoutMs)
      : await openRemoteReplica(peersOf(opts.peers.length > 0 ? opts.peers : logPeers), keyBuf, opts.timeoutMs)
    opts.onPhase?.('replica-open', performance.now() - opening)
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
        key, version, replicaLength: replica.head().length, trust: opts.trust, peers: peersOf(logPeers), reader, timeoutMs: opts.timeoutMs, ...(opts.onPhase ? { onPhase: opts.onPhase } : {})
      })
      if (witness.logVerdict !== null && witness.logVerdict.status !== 'verified') return { verdict: logFailure(key, version, witness.logVerdict, opts.trust.fingerprint), offline: false, log: null }
      receipts = witness.receipts
      incidents = witness.incidents
      sealedRoots = witness.sealedRoots
      log = { key: witness.log.key, length: witness.log.length, sealed: witness.logVerdict === null ? 'unsealed' : 'verified' }
    }
    const { input } = await gatherVerifyInput({ key, version, receipts, incidents, sealedRoots }, { replica, chain: reader, trust: opts.trust, ...(opts.onPhase ? { onPhase: opts.onPhase } : {}) })
    const start = performance.now()
    const verdict = verify(input)
    opts.onPhase?.('verify', performance.now() - start)
    return { verdict, offline: opts.offline, log }
  } finally {
    await replica?.close()
    reader.close()
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
