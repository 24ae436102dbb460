// What users hold on top of cores, read from replicas: which structure a core is (Hyperbee,
// Hyperdrive), a drive version's blobs length, and record proofs from a replica and its receipts.
export { recognise, structureOf } from './recognise'
export type { Structure, StructureKind } from './recognise'
export { blobsLengthAt } from './blobs-length'
export { structureVerdict } from './version-verdict'
export type { PartsOfVersion } from './version-verdict'
export { proveBlock, proveEntry, proveFile, MAX_FILE_BYTES } from './prove'
export { earliestCovering } from './prove-blocks'
export type { ProofSource } from './prove-blocks'
export { StructureError } from './errors'
export type { StructureErrorCode } from './errors'
export { verifyRecordProof } from './verify-proof'
