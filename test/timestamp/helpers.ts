import { expect } from 'chai'
import { requestTimestamp, TimestampError } from '../../src/timestamp'
import type { TimestampErrorCode } from '../../src/timestamp'
import type { TestTsa, TsaCert } from '../support/tsa'

export const ROOT = new Uint8Array(32).map((_, i) => i + 1)
export const OTHER_ROOT = new Uint8Array(32).map((_, i) => 255 - i)

/** The code a promise is refused with; fails the test if it resolves or throws anything but a TimestampError. */
export async function refusal (promise: Promise<unknown>): Promise<TimestampErrorCode> {
  try {
    await promise
  } catch (err) {
    expect(err).to.be.instanceOf(TimestampError)
    return (err as TimestampError).code
  }
  expect.fail('expected a TimestampError, got a result')
}

/** One token for `root` signed with each kind of certificate the test TSA has (real OpenSSL tokens). */
export async function tokensByCert (tsa: TestTsa, root: Uint8Array): Promise<Record<TsaCert, { token: Uint8Array, nonce: string }>> {
  const out: Partial<Record<TsaCert, { token: Uint8Array, nonce: string }>> = {}
  for (const cert of ['valid', 'expired', 'untrusted', 'not-tsa'] as const) {
    tsa.cert = cert
    out[cert] = await requestTimestamp(tsa.url, root)
  }
  tsa.cert = 'valid'
  return out as Record<TsaCert, { token: Uint8Array, nonce: string }>
}

/** `bytes` with the first occurrence of `needle` changed by `edit`; fails when `needle` is absent. */
export function editAt (bytes: Uint8Array, needle: Uint8Array, edit: (copy: Uint8Array, at: number) => void): Uint8Array {
  const at = Buffer.from(bytes).indexOf(Buffer.from(needle))
  expect(at, 'needle in token').to.be.greaterThan(-1)
  const copy = Uint8Array.from(bytes)
  edit(copy, at)
  return copy
}
