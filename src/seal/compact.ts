/**
 * Strict reading and writing of compact-encoding fields for the Hypercore structures in this
 * folder (manifest.ts, multisig.ts). Reading: every failure is the caller's coded error, numbers
 * must be safe integers, a count must fit in the bytes left, and nothing may trail. Writing: one
 * description of the fields serves both passes (measure, then write), as compact-encoding's own
 * `preencode`/`encode` pairs do.
 */
import c from 'compact-encoding'
import type { SealError } from './errors'

export interface DecodeState {
  uint: () => number
  fixed32: () => Buffer
  fixed64: () => Buffer
  /** A uint length, then that many bytes. */
  buffer: () => Buffer
  /** A uint item count, refused if `count * minItemBytes` exceeds the bytes left. */
  count: (minItemBytes: number) => number
  fail: (why: string) => SealError
}

export interface Writer {
  uint: (n: number) => void
  fixed32: (b: Uint8Array) => void
  fixed64: (b: Uint8Array) => void
  buffer: (b: Uint8Array) => void
}

/** Runs `read` over all of `bytes`; compact-encoding's own throws become `fail(...)`. */
export function decodeWith<T> (bytes: Uint8Array, fail: (why: string) => SealError, read: (s: DecodeState) => T): T {
  const state = { start: 0, end: bytes.byteLength, buffer: bytes }
  const guard = <V>(fn: () => V): V => {
    try {
      return fn()
    } catch (err) {
      throw fail(`it is truncated (${(err as Error).message})`)
    }
  }
  const s: DecodeState = {
    uint: () => {
      const n = guard(() => c.uint.decode(state))
      if (!Number.isSafeInteger(n)) throw fail(`a number is larger than ${Number.MAX_SAFE_INTEGER}`)
      return n
    },
    fixed32: () => Buffer.from(guard(() => c.fixed32.decode(state))),
    fixed64: () => Buffer.from(guard(() => c.fixed64.decode(state))),
    buffer: () => {
      const length = s.count(1)
      const out = Buffer.from(bytes.subarray(state.start, state.start + length))
      state.start += length
      return out
    },
    count: (minItemBytes) => {
      const n = s.uint()
      if (n * minItemBytes > state.end - state.start) throw fail(`it is truncated (${n} items cannot fit in ${state.end - state.start} bytes)`)
      return n
    },
    fail
  }
  const value = read(s)
  if (state.start !== state.end) throw fail(`${state.end - state.start} trailing bytes`)
  return value
}

/** Measures, then writes, the fields `write` describes. */
export function encodeWith (write: (w: Writer) => void): Buffer {
  const state = c.state()
  const pass = (op: 'preencode' | 'encode'): void => write({
    uint: (n) => c.uint[op](state, n),
    fixed32: (b) => c.fixed32[op](state, b),
    fixed64: (b) => c.fixed64[op](state, b),
    buffer: (b) => c.buffer[op](state, b)
  })
  pass('preencode')
  state.buffer = Buffer.alloc(state.end)
  pass('encode')
  return state.buffer as Buffer
}
