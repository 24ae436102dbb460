/**
 * The service's later anchors (config `anchors`): a client and a reader per secondary chain, the
 * RFC 3161 requester per TSA, what the trust root lists for them, and the passes that run them
 * after the primary seal pass (src/sealer anchors.ts).
 */
import { createChainClient, createChainReader, HYPERSEAL_CODE_HASH, type ChainClient, type ChainReader } from '../chain'
import type { AnchorConfig, TsaAnchorConfig } from '../config'
import { checkRfc3161Token, type AnchorSources, type TimestampChecker } from '../evidence'
import { parseTsaTrust, requestTimestamp } from '../timestamp'
import type { AnchorTarget } from '../sealer'
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
    everyPasses: a.everyPasses,
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
      out.targets.push({ type: 'evm', name: a.name, everyPasses: a.everyPasses, client, chainId: a.chainId, confirmations: a.finality === 'finalized' ? 1 : a.finality.confirmations })
      // No RPC hint: a configured URL may carry credentials.
      out.trust.chains.push({ chainId: a.chainId, embedded: false, contracts: [{ address: a.contract.toLowerCase(), codeHash: HYPERSEAL_CODE_HASH, deployBlock: 0 }], finality: a.finality, rpc: [] })
    }
  } catch (err) {
    out.close()
    throw err
  }
  return out
}
