import { CodedError } from '../util'

export type SealerErrorCode =
  | 'PASS_RUNNING' // a seal pass is already running; at most one at a time
  | 'NOT_READY' // the service has not finished starting (recovery still running)
  | 'CLOSED' // the service is shutting down
  | 'FAULT_INJECTED' // a test armed HYPERSEAL_FAULT (never set in production)
  | 'NO_SUCH_ANCHOR' // a run was asked of an anchor the configuration does not name

export class SealerError extends CodedError<SealerErrorCode> {}
