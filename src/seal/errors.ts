import { CodedError } from '../util'

export type SealErrorCode =
  | 'BAD_HEAD' // a head (or its JSON) has a malformed field
  | 'BAD_MANIFEST' // the manifest is not a canonical Hypercore 11 manifest, or no head of it can be valid
  | 'KEY_MISMATCH' // the core key is not BLAKE2b(MANIFEST ‖ manifest)
  | 'BAD_SIGNATURE' // the signature (or quorum blob) is malformed or does not make this head valid
  | 'EMPTY_BATCH' // a batch needs at least one head
  | 'DUPLICATE_LEAF' // the same (key, length, fork, treeHash) twice in one batch
  | 'BAD_INDEX' // a leaf index outside the batch
  | 'BAD_BATCH' // a serialised batch cannot be rebuilt
  | 'SEAL_MISMATCH' // a receipt was asked with the seal of another batch
  | 'BAD_RECEIPT' // a receipt is not a well-formed v1 receipt

export class SealError extends CodedError<SealErrorCode> {}
