// The evidence path's only door: gather what a verify plan needs (chain answers, the replica's
// tree) as the verifier's own types, with a cache of answers that can no longer change.
export { gatherVerifyInput, pin, policyOf } from './gather'
export type { EvidenceSources, PinnedTrust, VerifyQuestion } from './gather'
export { EvidenceCache, gatherChain } from './chain'
export type { ChainPlan } from './chain'
export type { ReplicaSource } from './replica'
export { readWitness } from './witness'
export type { Witness, WitnessRequest } from './witness'
export { checkRfc3161Token, gatherAnchors } from './anchors'
export type { AnchorSources, TimestampChecker } from './anchors'
