// The trust root's only door: pure (types, strict parsing, fingerprint, the policy for one chain).
export { parseTrustRoot } from './parse'
export { trustFingerprint, shortFingerprint } from './fingerprint'
export { policyFor, requiredConfirmations, trustedContract } from './policy'
export { TrustError } from './errors'
export type { TrustErrorCode } from './errors'
export type { Finality, TrustedChain, TrustedContract, TrustedLog, TrustedReportKey, TrustedTsa, TrustPolicy, TrustRoot } from './types'
