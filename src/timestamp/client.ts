/**
 * Asking a TSA for a token (RFC 3161 §3.4, time-stamp protocol over HTTP): POST the DER
 * TimeStampReq as `application/timestamp-query`, read a DER TimeStampResp
 * (`application/timestamp-reply`) of bounded size within a bounded time, and check the token
 * against the request before handing it back.
 *
 *   TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
 *   PKIStatus: granted (0), grantedWithMods (1), rejection (2), waiting (3), … (§2.4.2)
 *
 * Uses the platform `fetch` (Node 20, browsers); pass `fetch` to route it elsewhere.
 */
import * as asn1js from 'asn1js'
import { TimeStampResp } from 'pkijs'
import { TimestampError } from './errors'
import { buildTimestampRequest, randomNonce } from './request'
import { MAX_TOKEN_BYTES, parseDer, parseToken } from './token'
import type { TsaTrust } from './trust'
import { checkImprint, verifyTimestampToken } from './verify'

export const DEFAULT_TIMEOUT_MS = 10_000
/** A response is its token plus a few bytes of status. */
export const MAX_RESPONSE_BYTES = MAX_TOKEN_BYTES + 1024

export interface RequestTimestampOptions {
  /** The whole exchange, connection to last byte (default DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number
  fetch?: typeof globalThis.fetch
  /** When given, the token is fully verified against these certificates before it is returned. */
  trusted?: TsaTrust
}

export interface Timestamp {
  /** The DER TimeStampToken (CMS ContentInfo), exactly as the TSA sent it. */
  token: Uint8Array
  /** genTime, ISO 8601 UTC. */
  time: string
  /** The request's nonce, decimal. */
  nonce: string
}

const STATUS_NAMES = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification']

async function readBounded (response: Response, max: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0')
  if (declared > max) {
    await response.body?.cancel()
    throw new TimestampError('TOO_LARGE', `the TSA's answer is ${declared} bytes, more than ${max}`)
  }
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = response.body?.getReader()
  if (reader === undefined) return new Uint8Array(0)
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > max) {
      await reader.cancel()
      throw new TimestampError('TOO_LARGE', `the TSA's answer is more than ${max} bytes`)
    }
    chunks.push(value)
  }
  const body = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) { body.set(chunk, at); at += chunk.length }
  return body
}

/** The token inside a DER TimeStampResp, exactly as sent; TSA_REFUSED unless the status grants one. */
export function tokenFromResponse (body: Uint8Array): Uint8Array {
  let response: TimeStampResp
  let tokenBlock: asn1js.AsnType | undefined
  try {
    const schema = parseDer(body, 'the TSA\'s answer')
    response = new TimeStampResp({ schema })
    tokenBlock = (schema as asn1js.Sequence).valueBlock.value[1]
  } catch (err) {
    if (err instanceof TimestampError) throw err
    throw new TimestampError('MALFORMED', 'the TSA\'s answer is not an RFC 3161 TimeStampResp', { cause: err })
  }
  const status = response.status.status
  if (status !== 0 && status !== 1) {
    const text = response.status.statusStrings?.map((s) => s.valueBlock.value).join('; ')
    throw new TimestampError('TSA_REFUSED', `the TSA answered ${STATUS_NAMES[status] ?? `status ${status}`}${text ? `: ${text}` : ''}`)
  }
  if (tokenBlock === undefined) throw new TimestampError('MALFORMED', 'the TSA granted the request but sent no token')
  return new Uint8Array(tokenBlock.valueBeforeDecodeView)
}

async function post (url: string, query: Uint8Array<ArrayBuffer>, opts: RequestTimestampOptions): Promise<Uint8Array> {
  let parsed: URL
  try { parsed = new URL(url) } catch { throw new TimestampError('TSA_UNAVAILABLE', 'the TSA URL is not a URL') }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TimestampError('TSA_UNAVAILABLE', 'the TSA URL must be http or https')
  const doFetch = opts.fetch ?? globalThis.fetch
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const response = await doFetch(parsed, { method: 'POST', headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' }, body: query, signal, redirect: 'error' })
    if (!response.ok) {
      await response.body?.cancel()
      const code = response.status >= 500 || response.status === 429 ? 'TSA_UNAVAILABLE' : 'TSA_REFUSED'
      throw new TimestampError(code, `the TSA answered HTTP ${response.status}`)
    }
    return await readBounded(response, MAX_RESPONSE_BYTES)
  } catch (err) {
    if (err instanceof TimestampError) throw err
    const why = signal.aborted ? `no answer within ${timeoutMs} ms` : 'it could not be reached'
    throw new TimestampError('TSA_UNAVAILABLE', `the TSA gave no token: ${why}`, { cause: err })
  }
}

/** Asks the TSA at `url` to stamp `root`; the token returned matches the request (imprint, nonce), and verifies when `trusted` is given. */
export async function requestTimestamp (url: string, root: Uint8Array, opts: RequestTimestampOptions = {}): Promise<Timestamp> {
  const nonce = randomNonce()
  const query = buildTimestampRequest(root, nonce)
  const token = tokenFromResponse(await post(url, query, opts))
  const parsed = parseToken(token)
  checkImprint(parsed, root)
  if (parsed.nonce !== nonce.toString()) throw new TimestampError('NONCE_MISMATCH', 'the TSA\'s token answers another request (its nonce differs)')
  const time = opts.trusted === undefined
    ? parsed.genTime.toISOString()
    : (await verifyTimestampToken(token, root, opts.trusted, { nonce: nonce.toString() })).time
  return { token, time, nonce: nonce.toString() }
}
