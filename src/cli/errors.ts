import { CodedError } from '../util'

export type CliErrorCode =
  | 'BAD_INPUT' // an argument, option or file is malformed (checked before anything is sent), or the service answered 400
  | 'NO_TOKEN' // no usable admin token in HYPERSEAL_ADMIN_TOKEN or <data dir>/admin-token
  | 'UNREACHABLE' // the service (or a peer) cannot be reached, or did not answer in time
  | 'SERVICE_UNAVAILABLE' // the service answered 503/504 with Retry-After: it, its chain RPC or its peers cannot answer now
  | 'SERVICE_ERROR' // the service answered with another error (its code and status are kept)
  | 'BAD_ANSWER' // something answered that is not the Hyperseal API

export class CliError extends CodedError<CliErrorCode> {
  /** For an error answer of the service: the HTTP status and the service's own error code. */
  readonly status?: number
  readonly serviceCode?: string

  constructor (code: CliErrorCode, message: string, opts: { cause?: unknown, status?: number, serviceCode?: string } = {}) {
    super(code, message, opts.cause === undefined ? undefined : { cause: opts.cause })
    if (opts.status !== undefined) this.status = opts.status
    if (opts.serviceCode !== undefined) this.serviceCode = opts.serviceCode
  }
}
