// The subset of hyperbee 2 that Hyperseal uses. The package ships no types.
declare module 'hyperbee' {
  import type Hypercore from 'hypercore'

  export interface HyperbeeEncodingOptions {
    keyEncoding?: 'utf-8' | 'binary' | 'json'
    valueEncoding?: 'utf-8' | 'binary' | 'json'
  }

  export interface HyperbeeOptions extends HyperbeeEncodingOptions {
    readonly?: boolean
  }

  export interface HyperbeeRange {
    gt?: string | Buffer
    gte?: string | Buffer
    lt?: string | Buffer
    lte?: string | Buffer
    reverse?: boolean
    limit?: number
  }

  /** `key` and `value` are decoded with the encodings in force (bee, batch or call options). */
  export interface HyperbeeEntry {
    seq: number
    key: string | Buffer
    value: unknown
  }

  /** A streamx Readable; only its async iteration is used here. */
  export interface HyperbeeReadStream extends AsyncIterable<HyperbeeEntry> {
    destroy (err?: Error): void
  }

  /** `bee.batch()`: puts collect in memory, `flush()` appends them as one block run. */
  export interface HyperbeeBatch {
    /** Takes the bee's write lock until `flush()` or `close()`. */
    lock (): Promise<void>
    get (key: string | Buffer, opts?: HyperbeeEncodingOptions): Promise<HyperbeeEntry | null>
    put (key: string | Buffer, value?: unknown, opts?: HyperbeeEncodingOptions): Promise<void>
    del (key: string | Buffer, opts?: HyperbeeEncodingOptions): Promise<void>
    createReadStream (range?: HyperbeeRange, opts?: HyperbeeEncodingOptions): HyperbeeReadStream
    flush (): Promise<void>
    close (): Promise<void>
  }

  export default class Hyperbee {
    constructor (core: Hypercore, opts?: HyperbeeOptions)
    readonly core: Hypercore
    readonly key: Buffer
    readonly discoveryKey: Buffer
    readonly version: number
    readonly writable: boolean
    ready (): Promise<void>
    close (): Promise<void>
    get (key: string | Buffer, opts?: HyperbeeEncodingOptions): Promise<HyperbeeEntry | null>
    put (key: string | Buffer, value?: unknown, opts?: HyperbeeEncodingOptions): Promise<void>
    del (key: string | Buffer, opts?: HyperbeeEncodingOptions): Promise<void>
    batch (opts?: HyperbeeEncodingOptions): HyperbeeBatch
    createReadStream (range?: HyperbeeRange, opts?: HyperbeeEncodingOptions): HyperbeeReadStream
    /** A read-only view of the bee at `version` (its core's length then). */
    checkout (version: number): Hyperbee
  }
}
