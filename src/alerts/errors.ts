import { CodedError } from '../util'

export type AlertsErrorCode =
  | 'NO_RECEIVERS' // an alert was to be sent, but no webhook is configured
  | 'OUTBOX_UNUSABLE' // the delivery log in the data directory cannot be read or written
  | 'OUTBOX_CORRUPT' // the delivery log holds a bad record before good ones: damaged or tampered with
  | 'CLOSED' // the alerter is closed (the service is stopping)

export class AlertsError extends CodedError<AlertsErrorCode> {}
