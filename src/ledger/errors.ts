import { CodedError } from '../util'

export type LedgerErrorCode =
  | 'DATA_DIR_LOCKED' // another process (or another open in this one) holds the data directory
  | 'DATA_DIR_UNUSABLE' // the data directory is not a directory, not writable, or its store cannot open
  | 'BAD_INPUT' // a key, length, peer, timestamp or record handed to the ledger is malformed
  | 'BAD_CURSOR' // a page cursor is malformed, or belongs to another list
  | 'APPEND_ONLY' // a write would change an entry of the receipts log that already exists
  | 'BAD_TRANSITION' // an in-flight batch cannot go from its state to the one asked for
  | 'NOT_FOUND' // the in-flight batch (or other named entry) does not exist
  | 'CORRUPT_ENTRY' // a stored value fails validation when read back (tampered or foreign data)
  | 'CLOSED' // the log, journal or data directory was closed

export class LedgerError extends CodedError<LedgerErrorCode> {}
