import canonicalize from 'canonicalize'
import { sha256 } from 'ethers'
import type { TrustRoot } from './types'

/**
 * SHA-256 of the trust root's RFC 8785 canonical JSON, as 64 hex: the same root gives the same
 * fingerprint whatever tool re-serialised it. People compare its first 16 characters.
 */
export function trustFingerprint (root: TrustRoot): string {
  const text = canonicalize(root)
  if (text === undefined) throw new TypeError('The trust root is not JSON.')
  return sha256(new TextEncoder().encode(text)).slice(2)
}

/** The short form shown to people: the first 16 hex characters in groups of four. */
export function shortFingerprint (fingerprint: string): string {
  return fingerprint.slice(0, 16).replace(/(.{4})(?=.)/g, '$1 ')
}
