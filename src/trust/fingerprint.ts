import canonicalize from 'canonicalize'
import { sha256 } from '@noble/hashes/sha2'
import { bytesToHex } from '@noble/hashes/utils'
import type { TrustRoot } from './types'

/**
 * SHA-256 of the trust root's RFC 8785 canonical JSON, as 64 hex: the same root gives the same
 * fingerprint whatever tool re-serialised it. People compare its first 16 characters. Noble's
 * SHA-256, not ethers': the trust door is loaded by every verifier, the report's re-check
 * workers among them, and ethers is ~17 MB and ~0.16 s of start-up in each.
 */
export function trustFingerprint (root: TrustRoot): string {
  const text = canonicalize(root)
  if (text === undefined) throw new TypeError('The trust root is not JSON.')
  return bytesToHex(sha256(new TextEncoder().encode(text)))
}

/** The short form shown to people: the first 16 hex characters in groups of four. */
export function shortFingerprint (fingerprint: string): string {
  return fingerprint.slice(0, 16).replace(/(.{4})(?=.)/g, '$1 ')
}
