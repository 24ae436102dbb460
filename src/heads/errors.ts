import { CodedError } from '../util'

export type HeadsErrorCode =
  | 'BAD_KEY' // a core key is not 64 hex or 52 z-base-32 characters (32 bytes)
  | 'BAD_PEER' // a peer is not host:port with a valid host and a port 1-65535
  | 'BAD_LENGTH' // a sealed length, fork or tree hash is out of range or malformed
  | 'NOT_WATCHED' // the core is not watched by this watcher
  | 'NO_HEAD' // the core has no signed head yet (length 0, or no signature received)
  | 'UNVERIFIED_HEAD' // the captured head's signature does not verify against its key and manifest
  | 'UPDATE_TIMEOUT' // a peer did not deliver what was needed (an update or a block) in time
  | 'CLOSED' // the watcher is closed
  | 'LISTEN_FAILED' // the replication port could not be bound
  | 'CORE_FAILED' // Hypercore failed while reading the core (e.g. the session closed mid-read)
  | 'PEER_UNREACHABLE' // a peer given to verify against cannot be dialled
  | 'BAD_STORAGE' // a Corestore directory given to verify against is not one, is locked, or lacks the core

export class HeadsError extends CodedError<HeadsErrorCode> {}
