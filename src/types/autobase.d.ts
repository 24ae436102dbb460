// The subset of autobase 7's own encodings Hyperseal reads (autobase ships no types): an oplog
// message (what every writer appends; an indexer's names the system core in its `digest`) and
// the system core's view (a Hyperbee whose `info` records name the indexers and the views).
declare module 'autobase/lib/messages.js' {
  interface Encoding<T> {
    preencode (state: unknown, value: T): void
    encode (state: unknown, value: T): void
    decode (state: unknown): T
  }

  export interface OplogDigest { pointer: number, key: Buffer | null }
  export interface OplogMessage { digest: OplogDigest | null, [field: string]: unknown }
  export interface ClockEntry { key: Buffer, length: number }
  export interface Info {
    version: number
    members: number
    indexers: ClockEntry[]
    views: ClockEntry[]
    [field: string]: unknown
  }

  const messages: { OplogMessage: Encoding<OplogMessage>, Info: Encoding<Info> }
  export default messages
}

declare module 'autobase/lib/system.js' {
  import type Hypercore from 'hypercore'
  import type { Info } from 'autobase/lib/messages.js'

  export default class SystemView {
    /** The system core's `info` records below `lt`, newest first: `length` is the flush's system length. */
    static flushes (core: Hypercore, opts: { lt?: number, gte?: number, wait?: boolean }): AsyncIterable<{ length: number, info: Info }>
  }
}
