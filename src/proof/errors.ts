import { CodedError } from '../util'

export type ProofErrorCode =
  | 'BAD_PROOF' // the document is not a well-formed v1 record proof

export class ProofError extends CodedError<ProofErrorCode> {}
