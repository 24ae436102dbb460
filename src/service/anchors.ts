/**
 * The service's later anchors (config `anchors`): a client and a reader per secondary chain, the
 * RFC 3161 requester per TSA, and what the trust root lists for them. The service runs each on its
 * own cron schedule inside the seal single flight (src/sealer anchors.ts).
 */
import { createChainClient, createChainReader, HYPERSEAL_CODE_HASH, type ChainClient, type ChainReader } from '../chain'
import type { AnchorConfig, TsaAnchorConfig } from '../config'
import { checkRfc3161Token, type AnchorSources, type TimestampChecker } from '../evidence'
import { parseTsaTrust, requestTimestamp } from '../timestamp'
import { runAnchors, SealerError, type AnchorDeps, type AnchorRun, type AnchorTarget, type SealerMetrics, type SingleFlight } from '../sealer'
import type { TrustedChain, TrustedTsa } from '../trust'

/**
 * RFC 3161 requests and token checks: src/timestamp by default (RFC3161); a test may pass its own.
 */
export interface TimestampPort {
  /** Requests a token with a nonce; resolves only to a token checked against `tsa` (nonce, imprint, signature, chain). */
  request: (url: string, root: Uint8Array, tsa: TrustedTsa) => Promise<{ token: Uint8Array, time: string }>
  verify: TimestampChecker
}

/** src/timestamp, the one RFC 3161 implementation (pkijs). */
export const RFC3161: TimestampPort = {
  request: async (url, root, tsa) => await requestTimestamp(url, root, { trusted: parseTsaTrust(tsa.certificates) }),
  verify: checkRfc3161Token
}

export interface ServiceAnchors {
  targets: AnchorTarget[]
  /** For verification: readers by chain id and the token checker. */
  sources: AnchorSources
  /** What the trust root adds: the secondary chains and the TSAs. */
  trust: { chains: TrustedChain[], tsas: TrustedTsa[] }
  close: () => void
}

function tsaTarget (a: TsaAnchorConfig, port: TimestampPort): AnchorTarget {
  const trusted: TrustedTsa = { name: a.name, certificates: a.certificates }
  return {
    type: 'rfc3161',
    name: a.name,
    schedule: a.schedule,
    // "Tokens checked on receipt": a token that does not verify against the pinned chain is never recorded.
    stamp: async (root) => {
      const got = await port.request(a.url, root, trusted)
      const checked = await port.verify(got.token, root, trusted)
      return { token: got.token, time: checked.time }
    }
  }
}

export async function openAnchors (anchors: readonly AnchorConfig[], port: TimestampPort = RFC3161, rpcTimeoutMs?: number): Promise<ServiceAnchors> {
  const clients: ChainClient[] = []
  const readers = new Map<number, ChainReader>()
  const out: ServiceAnchors = {
    targets: [],
    sources: { chains: readers, timestamps: port.verify },
    trust: { chains: [], tsas: [] },
    close: () => {
      for (const c of clients) c.close()
      for (const r of readers.values()) r.close()
    }
  }
  const timeout = rpcTimeoutMs === undefined ? {} : { timeoutMs: rpcTimeoutMs }
  try {
    for (const a of anchors) {
      if (a.type === 'rfc3161') {
        out.targets.push(tsaTarget(a, port))
        out.trust.tsas.push({ name: a.name, certificates: a.certificates })
        continue
      }
      const client = await createChainClient({ rpcUrl: a.rpc, contractAddress: a.contract, signerKey: a.sealerKey, expectedChainId: a.chainId, ...timeout })
      clients.push(client)
      readers.set(a.chainId, await createChainReader({ rpcUrl: a.rpc, expectedChainId: a.chainId, ...timeout }))
      out.targets.push({ type: 'evm', name: a.name, schedule: a.schedule, client, chainId: a.chainId, finality: a.finality === 'finalized' ? 'finalized' : a.finality.confirmations })
      // No RPC hint: a configured URL may carry credentials.
      out.trust.chains.push({ chainId: a.chainId, embedded: false, contracts: [{ address: a.contract.toLowerCase(), codeHash: HYPERSEAL_CODE_HASH, deployBlock: 0 }], finality: a.finality, rpc: [] })
    }
  } catch (err) {
    out.close()
    throw err
  }
  return out
}

/**
 * Runs the later anchors named (all by default). Their receipts-log and journal work runs in the
 * seal single flight, never beside a pass that writes the log: a pass running then is waited
 * for, not skipped (an hourly tick meets the every-minute pass often); their waits on other
 * chains and TSAs do not hold it. Each anchor's failure is logged, counted and reported; its
 * next run covers the same batches.
 */
export async function runServiceAnchors (o: { flight: SingleFlight, closed: () => boolean, deps: AnchorDeps, metrics: SealerMetrics, monitor: { anchorCaughtUp: (name: string) => void } }, names?: readonly string[]): Promise<AnchorRun[]> {
  const runs = await runAnchors({ ...o.deps, exclusive: async (fn) => await inFlight(o, fn) }, names)
  for (const r of runs) {
    o.metrics.anchorRuns.inc({ anchor: r.name, result: r.ok ? 'ok' : 'failed' })
    if (r.ok) o.monitor.anchorCaughtUp(r.name)
  }
  return runs
}

/** `fn` in the seal single flight, after whatever holds it now. */
async function inFlight<T> (o: { flight: SingleFlight, closed: () => boolean }, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    if (o.closed()) throw new SealerError('CLOSED', 'The service is shutting down.')
    await o.flight.idle()
    try {
      // Closed again inside: a stop that began while this waited for the flight closes the log next.
      return await o.flight.run(async () => {
        if (o.closed()) throw new SealerError('CLOSED', 'The service is shutting down.')
        return await fn()
      }, 'anchor')
    } catch (err) {
      // Another caller took the flight between idle() and run(): wait for that one too.
      if (!(err instanceof SealerError && err.code === 'PASS_RUNNING')) throw err
    }
  }
}
