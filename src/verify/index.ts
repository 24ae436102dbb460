// The verifier's only door: pure, synchronous, no I/O (README.md in this folder has the rules).
export { verify, assess } from './verify'
export { planVerify } from './select'
export { verifyPrefixProof } from './prefix-proof'
export type { PrefixProofCheck, PrefixProofRequest, ProofNode, UpgradeProof } from './prefix-proof'
export { SEALED_TOPIC } from './chain-check'
export { timestampKey } from './anchor-check'
export { checkSealed } from './seal-check'
export { foldProof } from './leaf-proof'
export type { FoldMemo } from './leaf-proof'
export type { SealCheck, SealCheckOptions } from './seal-check'
export { VerifyError } from './errors'
export type { VerifyErrorCode } from './errors'
export type {
  AnchorEvidence, AnchorPlan, Assessment, BlockEvidence, Clock, ChainEvidence, Check, CheckName, Finding, LogEvidence, ReplicaView, SealedAtAnswer, SealedRoots,
  TimestampAnswer, TxEvidence, Verdict, VerdictChain, VerdictStatus, VerifyInput, VerifyPlan
} from './types'
export { composeStructure } from './structure'
export type { PartRole, PartVerdict, PartVerdictInput, StructureKind, StructureVerdict } from './structure'
