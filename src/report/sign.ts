/**
 * Signing and checking audit reports: Ed25519 (libsodium) over the report's RFC 8785
 * canonical JSON, so any JSON tool that re-serialises the document keeps it verifiable.
 * Checking returns a value, never throws.
 */
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import sodium from 'sodium-native'
import type { AuditReport, SignedReport } from './types'

const HEX = (bytes: number): RegExp => new RegExp(`^[0-9a-f]{${bytes * 2}}$`)

export function canonicalReport (report: unknown): Buffer {
  const text = canonicalize(report)
  if (text === undefined) throw new TypeError('The report is not JSON.')
  return Buffer.from(text, 'utf8')
}

/** An Ed25519 key pair (from a 32-byte seed, else random): 32-byte public key, 64-byte libsodium secret key. */
export function newReportKeyPair (seed?: Buffer): { publicKey: Buffer, secretKey: Buffer } {
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES)
  const secretKey = Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES)
  if (seed === undefined) sodium.crypto_sign_keypair(publicKey, secretKey)
  else sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed)
  return { publicKey, secretKey }
}

/** The public half of a libsodium secret key (its last 32 bytes). */
export function publicKeyOf (secretKey: Buffer): Buffer {
  return Buffer.from(secretKey.subarray(32, 64))
}

export function signReport (report: AuditReport, secretKey: Buffer): SignedReport {
  const sig = Buffer.alloc(sodium.crypto_sign_BYTES)
  sodium.crypto_sign_detached(sig, canonicalReport(report), secretKey)
  return { v: 2, report, signature: { alg: 'ed25519', publicKey: publicKeyOf(secretKey).toString('hex'), sig: sig.toString('hex') } }
}

/** First 16 hex of SHA-256 of the signature: printed on every page to tie a printout to its document. */
export function signatureFingerprint (signed: SignedReport): string {
  return createHash('sha256').update(Buffer.from(signed.signature.sig, 'hex')).digest('hex').slice(0, 16)
}

export type SignatureCheckCode = 'BAD_DOCUMENT' | 'KEY_MISMATCH' | 'UNTRUSTED_KEY' | 'BAD_SIGNATURE'
export type SignatureCheck = { ok: true, report: AuditReport } | { ok: false, code: SignatureCheckCode, reason: string }

function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Checks an untrusted document: its shape, that the report names the signing key, that the key is
 * one the verifier pinned (`trustedKeys`, 64 hex each: from its trust root or given by hand; a key
 * taken from the document itself proves nothing, anyone can re-sign an edited report), and the
 * signature.
 */
export function checkSignedReport (doc: unknown, trustedKeys: readonly string[]): SignatureCheck {
  const bad = (code: SignatureCheckCode, reason: string): SignatureCheck => ({ ok: false, code, reason })
  if (isObject(doc) && doc.v === 1) return bad('BAD_DOCUMENT', 'The document is a version 1 report; this version of Hyperseal verifies version 2 reports (docs/formats.md "Audit report").')
  if (!isObject(doc) || doc.v !== 2 || !isObject(doc.report) || doc.report.v !== 2 || !isObject(doc.signature)) {
    return bad('BAD_DOCUMENT', 'The document is not a signed Hyperseal report ({ v: 2, report, signature }).')
  }
  const keys = Object.keys(doc).sort().join(',')
  if (keys !== 'report,signature,v') return bad('BAD_DOCUMENT', `The document has unexpected fields (${keys}).`)
  const { alg, publicKey, sig } = doc.signature
  if (alg !== 'ed25519' || typeof publicKey !== 'string' || !HEX(32).test(publicKey) || typeof sig !== 'string' || !HEX(64).test(sig)) {
    return bad('BAD_DOCUMENT', 'The signature must be { alg: "ed25519", publicKey: 64 lowercase hex, sig: 128 lowercase hex }.')
  }
  if (Object.keys(doc.signature).length !== 3) return bad('BAD_DOCUMENT', 'The signature has unexpected fields.')
  const service = doc.report.service
  if (!isObject(service) || service.reportKey !== publicKey) {
    return bad('KEY_MISMATCH', 'The report does not name the key that signed it as its service\'s report key.')
  }
  if (!trustedKeys.map((k) => k.toLowerCase()).includes(publicKey)) {
    return bad('UNTRUSTED_KEY', `The report is signed by key ${publicKey}, which is not one you pinned (${trustedKeys.length === 0 ? 'none given' : trustedKeys.join(', ')}).`)
  }
  let message: Buffer
  try {
    message = canonicalReport(doc.report)
  } catch {
    return bad('BAD_DOCUMENT', 'The report cannot be canonicalised as JSON.')
  }
  if (!sodium.crypto_sign_verify_detached(Buffer.from(sig, 'hex'), message, Buffer.from(publicKey, 'hex'))) {
    return bad('BAD_SIGNATURE', 'The signature does not match the report: it was changed after signing, or signed by another key.')
  }
  return { ok: true, report: doc.report as unknown as AuditReport }
}
