/**
 * Webhook signatures, both ends (docs/alerts.md). Each attempt signs
 *
 *   "hyperseal-alert/v1" LF <timestamp> LF <raw body>
 *
 * where <timestamp> is the `Hyperseal-Timestamp` header (Unix seconds, decimal) and <raw body>
 * the exact bytes sent. The `Hyperseal-Signature` header is `hmac-sha256=<hex>` (HMAC-SHA256
 * keyed with the shared secret's UTF-8 bytes) or `ed25519=<hex>` (an Ed25519 signature by the
 * service's alert key). The prefix keeps these signatures apart from anything else the same
 * key might sign; the timestamp inside the signed bytes is what stops an old body being replayed
 * later: a receiver refuses a timestamp more than `toleranceSeconds` from its clock, and drops an
 * `id` it has already seen within that window.
 */
import { createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto'
import { ALERT_KINDS, type AlertBody } from './types'

export const HEADER_ID = 'hyperseal-alert-id'
export const HEADER_TIMESTAMP = 'hyperseal-timestamp'
export const HEADER_SIGNATURE = 'hyperseal-signature'
export const SIGNED_PREFIX = 'hyperseal-alert/v1'
export const DEFAULT_TOLERANCE_SECONDS = 300

/** How alerts are signed: a shared HMAC secret, or the 32-byte seed of an Ed25519 key (hex). */
export type SigningSecret = { hmac: string } | { ed25519Seed: string }

// DER wrappers of a raw Ed25519 key (RFC 8410): the fixed prefix, then the 32 key bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

export interface Signer {
  /** The headers of one attempt sending `body` at `timestampSeconds`. */
  headers (id: string, body: string, timestampSeconds: number): Record<string, string>
  /** What a receiver pins: `hmac-sha256` (the secret is shared), or the Ed25519 public key in hex. */
  readonly publicKey: string | null
}

function signedBytes (timestamp: string, body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${SIGNED_PREFIX}\n${timestamp}\n`), Buffer.isBuffer(body) ? body : Buffer.from(body)])
}

function ed25519Private (seedHex: string): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' })
}

/** The Ed25519 public key (hex) of a seed: what receivers are told to pin. */
export function ed25519PublicKey (seedHex: string): string {
  const spki = createPublicKey(ed25519Private(seedHex)).export({ format: 'der', type: 'spki' })
  return spki.subarray(SPKI_PREFIX.length).toString('hex')
}

export function createSigner (secret: SigningSecret): Signer {
  if ('hmac' in secret) {
    const key = Buffer.from(secret.hmac, 'utf8')
    return {
      publicKey: null,
      headers: (id, body, ts) => ({
        [HEADER_ID]: id,
        [HEADER_TIMESTAMP]: String(ts),
        [HEADER_SIGNATURE]: 'hmac-sha256=' + createHmac('sha256', key).update(signedBytes(String(ts), body)).digest('hex')
      })
    }
  }
  const key = ed25519Private(secret.ed25519Seed)
  return {
    publicKey: ed25519PublicKey(secret.ed25519Seed),
    headers: (id, body, ts) => ({
      [HEADER_ID]: id,
      [HEADER_TIMESTAMP]: String(ts),
      [HEADER_SIGNATURE]: 'ed25519=' + sign(null, signedBytes(String(ts), body), key).toString('hex')
    })
  }
}

export type VerifyFailure = 'MISSING_HEADER' | 'BAD_TIMESTAMP' | 'TOO_OLD' | 'BAD_SIGNATURE' | 'BAD_BODY'

export interface VerifyInput {
  /** The raw body exactly as received (never a re-serialized parse). */
  body: string | Buffer
  /** The request's headers (Node's lower-case names, or any case). */
  headers: Record<string, string | string[] | undefined>
  /** The shared secret (HMAC), or the service's Ed25519 public key (hex): exactly one. */
  secret?: string
  publicKey?: string
  /** The receiver's clock in ms (default now) and the accepted skew (default 300 s). */
  now?: number
  toleranceSeconds?: number
}

/**
 * The receiver's check: signature over the raw body and the timestamp, the timestamp within the
 * tolerance of the receiver's clock, the body an alert whose `id` is the header's. A receiver
 * must still drop an `id` it has already handled (a replay inside the tolerance window).
 */
export function verifyAlert (input: VerifyInput): { ok: true, alert: AlertBody } | { ok: false, reason: VerifyFailure } {
  const header = (name: string): string | undefined => {
    const found = Object.entries(input.headers).find(([k]) => k.toLowerCase() === name)?.[1]
    return Array.isArray(found) ? found[0] : found
  }
  const id = header(HEADER_ID)
  const ts = header(HEADER_TIMESTAMP)
  const sig = header(HEADER_SIGNATURE)
  if (id === undefined || ts === undefined || sig === undefined) return { ok: false, reason: 'MISSING_HEADER' }
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'BAD_TIMESTAMP' }
  const skew = Math.abs((input.now ?? Date.now()) / 1000 - Number(ts))
  if (skew > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: 'TOO_OLD' }
  if (!signatureOk(sig, signedBytes(ts, input.body), input)) return { ok: false, reason: 'BAD_SIGNATURE' }
  let alert: unknown
  try {
    alert = JSON.parse(Buffer.isBuffer(input.body) ? input.body.toString('utf8') : input.body)
  } catch {
    return { ok: false, reason: 'BAD_BODY' }
  }
  const a = alert as Partial<AlertBody> | null
  if (a === null || typeof a !== 'object' || a.v !== 1 || a.id !== id || !(ALERT_KINDS as readonly unknown[]).includes(a.kind) || typeof a.summary !== 'string') {
    return { ok: false, reason: 'BAD_BODY' }
  }
  return { ok: true, alert: a as AlertBody }
}

function signatureOk (header: string, message: Buffer, input: VerifyInput): boolean {
  const m = /^(hmac-sha256|ed25519)=([0-9a-f]+)$/.exec(header)
  if (m === null) return false
  const given = Buffer.from(m[2], 'hex')
  if (m[1] === 'hmac-sha256') {
    if (input.secret === undefined) return false
    const want = createHmac('sha256', Buffer.from(input.secret, 'utf8')).update(message).digest()
    return given.length === want.length && timingSafeEqual(given, want)
  }
  if (input.publicKey === undefined || !/^[0-9a-f]{64}$/.test(input.publicKey) || given.length !== 64) return false
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(input.publicKey, 'hex')]), format: 'der', type: 'spki' })
    return verify(null, message, key, given)
  } catch {
    return false
  }
}
