import { CodedError } from '../util'

/**
 * Thrown only for a call the verifier cannot answer: malformed input, or an answer the plan
 * asked for and the caller did not give. A failed verification is a verdict, never this.
 */
export type VerifyErrorCode =
  | 'BAD_INPUT' // a key, version, view or answer has the wrong form
  | 'MISSING_ANSWER' // the replica or chain view lacks an answer planVerify named

export class VerifyError extends CodedError<VerifyErrorCode> {}
