import { CodedError } from '../util'

export type StructureErrorCode =
  | 'NOT_A_STRUCTURE' // the core is not the structure the request needs (an entry of a non-bee, a file of a non-drive)
  | 'NOT_FOUND' // no such block, entry or file at that version
  | 'NOT_SEALED' // no seal of the core's current history covers what was asked
  | 'BLOCK_UNAVAILABLE' // a block the answer needs is neither stored nor sent by a peer in time
  | 'TOO_LARGE' // the proof would exceed the bounds a proof may have

export class StructureError extends CodedError<StructureErrorCode> {}
