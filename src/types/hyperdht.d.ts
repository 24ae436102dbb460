// The subset of hyperdht 6 that Hyperseal uses. The package ships no types.
declare module 'hyperdht' {
  import { EventEmitter } from 'events'

  export interface DHTNode { host: string, port: number }

  export interface HyperDHTOptions {
    /** Bootstrap nodes; without them hyperdht falls back to the public network's nodes. */
    bootstrap?: Array<string | DHTNode>
    /** The local address every UDP socket binds to (default all interfaces). */
    host?: string
    port?: number
    ephemeral?: boolean
    firewalled?: boolean
  }

  export default class HyperDHT extends EventEmitter {
    constructor (opts?: HyperDHTOptions)
    readonly destroyed: boolean
    ready (): Promise<void>
    fullyBootstrapped (): Promise<void>
    address (): { host: string, port: number }
    destroy (opts?: { force?: boolean }): Promise<void>
  }
}

declare module 'hyperdht/testnet' {
  import HyperDHT, { DHTNode } from 'hyperdht'

  export interface Testnet {
    nodes: HyperDHT[]
    bootstrap: DHTNode[]
    createNode (opts?: Record<string, unknown>): HyperDHT
    destroy (): Promise<void>
  }

  export default function createTestnet (size?: number, opts?: { host?: string, port?: number }): Promise<Testnet>
}
