// The subset of hyperswarm 4 that Hyperseal uses. The package ships no types.
declare module 'hyperswarm' {
  import { EventEmitter } from 'events'
  import type { Duplex } from 'stream'
  import HyperDHT, { DHTNode } from 'hyperdht'

  export interface PeerDiscovery {
    flushed (): Promise<void>
    destroy (): Promise<void>
  }

  export interface HyperswarmOptions {
    /** A DHT instance to use (lets the caller choose its bind address). */
    dht?: HyperDHT
    bootstrap?: Array<string | DHTNode>
  }

  /** An encrypted connection to a peer (a Noise secret stream). */
  export interface SwarmConnection extends Duplex {
    remotePublicKey: Buffer
  }

  export default class Hyperswarm extends EventEmitter {
    constructor (opts?: HyperswarmOptions)
    readonly dht: HyperDHT
    readonly connections: Set<SwarmConnection>
    join (topic: Buffer, opts?: { client?: boolean, server?: boolean }): PeerDiscovery
    leave (topic: Buffer): Promise<void>
    flush (): Promise<boolean>
    destroy (): Promise<void>
    on (event: 'connection', listener: (conn: SwarmConnection, info: unknown) => void): this
    on (event: string, listener: (...args: never[]) => void): this
  }
}
