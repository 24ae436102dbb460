// The subset of corestore 7 that Hyperseal uses. The package ships no types.
declare module 'corestore' {
  import { EventEmitter } from 'events'
  import type { Duplex } from 'stream'
  import Hypercore, { ProtocolStream } from 'hypercore'

  export interface CorestoreOptions {
    /** Reusing a primary key (a seed) is dangerous: it must be acknowledged with `unsafe`. */
    primaryKey?: Buffer
    unsafe?: boolean
    writable?: boolean
  }

  export default class Corestore extends EventEmitter {
    constructor (storage: string, opts?: CorestoreOptions)
    readonly primaryKey: Buffer | null
    readonly opened: boolean
    readonly closing: Promise<void> | null
    ready (): Promise<void>
    close (): Promise<void>
    get (opts: {
      key?: Buffer
      name?: string
      createIfMissing?: boolean
      /** A custom manifest (e.g. several signers) with the signing key pair, for a writer. */
      manifest?: Record<string, unknown>
      keyPair?: { publicKey: Buffer, secretKey: Buffer }
    }): Hypercore
    namespace (name: string): Corestore
    /** A new protocol stream (pipe it into a socket), or replication on an existing Noise stream. */
    replicate (isInitiator: boolean, opts?: Record<string, unknown>): ProtocolStream
    replicate (stream: Duplex, opts?: Record<string, unknown>): Duplex
    findingPeers (): () => void
  }
}
