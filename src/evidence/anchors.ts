/**
 * The evidence for a deciding receipt's later anchors (src/verify anchor-check.ts): each secondary
 * chain's raw answers, read through a reader for that chain, and each RFC 3161 token checked
 * against the pinned TSA certificate. Token checking is CMS signature and certificate-path work
 * (asynchronous WebCrypto), so it happens here and its answer goes to the pure verifier.
 */
import type { ChainReader } from '../chain'
import { parseTsaTrust, verifyTimestampToken } from '../timestamp'
import type { TrustPolicy, TrustedTsa } from '../trust'
import { timestampKey, type AnchorEvidence, type AnchorPlan, type ChainEvidence, type TimestampAnswer } from '../verify'
import { gatherChain, type EvidenceCache } from './chain'

/**
 * Checks an RFC 3161 token over `root` against a pinned TSA; resolves to its time and signer, or
 * throws an error with a `code` (src/timestamp `verifyTimestampToken` fits).
 */
export type TimestampChecker = (token: Uint8Array, root: Uint8Array, tsa: TrustedTsa) => Promise<{ time: string, tsa: string }>

/**
 * The RFC 3161 check every verifier runs (the service, the independent CLI, the browser page):
 * src/timestamp's `verifyTimestampToken` against the certificates of the pinned TSA, never any
 * the receipt or the service names. Pure WebCrypto, so the page runs this very function.
 */
export const checkRfc3161Token: TimestampChecker = async (token, root, tsa) => await verifyTimestampToken(token, root, parseTsaTrust(tsa.certificates))

export interface AnchorSources {
  /** Readers of other chains, by chain id (the CLI's `--rpc` per chain, the service's secondary anchors). */
  chains?: ReadonlyMap<number, ChainReader>
  timestamps?: TimestampChecker
}

export async function gatherAnchors (plan: AnchorPlan, trust: TrustPolicy, sources: AnchorSources, cache?: EvidenceCache): Promise<AnchorEvidence | undefined> {
  if (plan.chains.length === 0 && plan.timestamps.length === 0) return undefined
  const chains: Record<number, ChainEvidence> = {}
  for (const want of plan.chains) {
    const reader = sources.chains?.get(want.chainId)
    const pinned = trust.anchors?.chains.find((c) => c.chainId === want.chainId)
    if (reader === undefined || pinned === undefined) continue
    chains[want.chainId] = await gatherChain(reader, want, { fingerprint: trust.fingerprint, chain: pinned }, cache)
  }
  const timestamps: Record<string, TimestampAnswer> = {}
  for (const { name, token, root } of plan.timestamps) {
    const tsa = trust.anchors?.tsas.find((t) => t.name === name)
    if (tsa === undefined || sources.timestamps === undefined) continue
    timestamps[timestampKey(root, token)] = await checkToken(sources.timestamps, token, root, tsa)
  }
  return { chains, timestamps }
}

async function checkToken (check: TimestampChecker, token: string, root: string, tsa: TrustedTsa): Promise<TimestampAnswer> {
  try {
    // Fresh Uint8Arrays: a small Buffer is a view into a shared pool, which WebCrypto would read whole.
    const { time, tsa: signer } = await check(new Uint8Array(Buffer.from(token, 'base64')), new Uint8Array(Buffer.from(root.slice(2), 'hex')), tsa)
    return { ok: true, time, tsa: signer }
  } catch (err) {
    const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'BAD_TOKEN'
    return { ok: false, code, reason: (err as Error)?.message ?? String(err) }
  }
}
