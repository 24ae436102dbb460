import { TrustError } from './errors'
import { trustFingerprint } from './fingerprint'
import type { TrustedChain, TrustPolicy, TrustRoot } from './types'

/** The pinned chain a receipt must be on, with the root's fingerprint; NOT_TRUSTED when the root names no such chain. */
export function policyFor (root: TrustRoot, chainId: number, fingerprint: string = trustFingerprint(root)): TrustPolicy {
  const chain = root.chains.find((c) => c.chainId === chainId)
  if (chain === undefined) {
    throw new TrustError('NOT_TRUSTED', `The trust root (${fingerprint.slice(0, 16)}) names no chain ${chainId}; it trusts chain ${root.chains.map((c) => c.chainId).join(', ')}.`)
  }
  return { fingerprint, chain, anchors: { chains: root.chains, tsas: root.timestampAuthorities ?? [] } }
}

/** The trusted contract at `address` on this chain, or null. */
export function trustedContract (chain: TrustedChain, address: string): TrustedChain['contracts'][number] | null {
  const lower = address.toLowerCase()
  return chain.contracts.find((c) => c.address === lower) ?? null
}

/** Confirmations the policy asks for; null when it asks for the chain's `finalized` tag instead. */
export function requiredConfirmations (chain: TrustedChain): number | null {
  return chain.finality === 'finalized' ? null : chain.finality.confirmations
}
