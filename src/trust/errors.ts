import { CodedError } from '../util'

export type TrustErrorCode =
  | 'BAD_TRUST_ROOT' // the document is not a valid v1 trust root
  | 'NOT_TRUSTED' // a chain, contract or key that the pinned trust root does not name

export class TrustError extends CodedError<TrustErrorCode> {}
