/**
 * The service's own trust root (docs/formats.md "Trust root"): its chain and contract with
 * HyperSeal's runtime code hash, its finality policy, where its receipts log is served, and its
 * report signing key. What `GET /v1/trust` serves and `hyperseal trust export` writes; also the
 * policy the service checks its own receipts against (verdicts, audit reports), so a service and
 * an independent verifier holding the same root judge the same way.
 */
import { HYPERSEAL_CODE_HASH } from '../chain'
import { pin, type PinnedTrust } from '../evidence'
import type { ServiceInfo } from '../api'
import type { TrustedChain, TrustedTsa, TrustRoot } from '../trust'

export interface TrustRootInput {
  info: ServiceInfo
  deployBlock: number
  /** `host:port` of the replication listener, where the receipts log is served. */
  replication: string
  /** The embedded anvil's local URL (carries no credentials); never a configured RPC URL, which may. */
  embeddedRpc?: string
  /** The API's URL, to name the root for people. */
  api?: string
  /** Later anchors (config `anchors`): with any, the root is v2 and lists them; without, it stays the v1 document older pins hold. */
  anchors?: { chains: TrustedChain[], tsas: TrustedTsa[] }
}

export function serviceTrustRoot (input: TrustRootInput): PinnedTrust {
  const { info } = input
  const v1: TrustRoot = {
    v: 1,
    kind: 'hyperseal-trust-root',
    name: `Hyperseal ${info.version}${input.api !== undefined ? ` at ${input.api}` : ''}, receipts log ${info.receiptsLog.slice(0, 16)}`,
    chains: [{
      chainId: info.chainId,
      embedded: info.embeddedChain,
      contracts: [{ address: info.contract.toLowerCase(), codeHash: HYPERSEAL_CODE_HASH, deployBlock: input.deployBlock }],
      finality: info.confirmations === 'finalized' ? 'finalized' : { confirmations: Math.max(1, info.confirmations) },
      rpc: input.embeddedRpc !== undefined ? [input.embeddedRpc] : []
    }],
    receiptsLogs: [{ key: info.receiptsLog, peers: [input.replication] }],
    reportKeys: [{ alg: 'ed25519', publicKey: info.reportKey }]
  }
  const anchors = input.anchors ?? { chains: [], tsas: [] }
  if (anchors.chains.length === 0 && anchors.tsas.length === 0) return pin(v1)
  return pin({ ...v1, v: 2, chains: [...v1.chains, ...anchors.chains.filter((c) => c.chainId !== info.chainId)], timestampAuthorities: anchors.tsas })
}
