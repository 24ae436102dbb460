/**
 * Checking an RFC 3161 token for a batch root against the TSA certificates a verifier trusts.
 * Pure (no I/O; WebCrypto through `globalThis.crypto`), so the CLI and the browser verifier run
 * the same code. Every check refuses with its own code; the order only decides which code a
 * token broken in several ways gets:
 *
 *   parse (MALFORMED) → imprint = SHA-256(root) (IMPRINT_MISMATCH) → nonce (NONCE_MISMATCH)
 *   → the signer's certificate, its ESSCertID binding and the CMS signature (BAD_SIGNATURE):
 *     an altered token is BAD_SIGNATURE whatever was altered
 *   → time-stamping EKU (UNTRUSTED) → genTime not after `at` (BAD_TIME)
 *   → validity at genTime (EXPIRED) → chain to a trusted certificate (UNTRUSTED / EXPIRED)
 *
 * Certificates are judged at genTime (a token made while its certificate was valid stays
 * valid after it expires, RFC 3161 §4.3). Revocation is not checked: the verifier is offline.
 */
import { CertificateChainValidationEngine } from 'pkijs'
import type { Certificate } from 'pkijs'
import { TimestampError } from './errors'
import { OID } from './oids'
import { checkRoot, imprintOf } from './request'
import { checkContentType, checkSigningCertificate, checkTimeStampingUsage, findSignerCertificate, subjectName } from './signer'
import { parseToken } from './token'
import type { ParsedToken } from './token'
import type { TsaTrust } from './trust'

/** How far a TSA's clock may run ahead of the checker's before a token counts as from the future. */
export const CLOCK_SKEW_MS = 5 * 60_000

export interface VerifiedTimestamp {
  /** genTime, ISO 8601 UTC. */
  time: string
  /** The TSA's certificate subject. */
  tsa: string
  /** The token's serial number, lowercase hex. */
  serial: string
}

export interface VerifyTimestampOptions {
  /** The nonce of the request (decimal), when the caller made it. */
  nonce?: string
  /** The moment of checking (default: now); a genTime more than CLOCK_SKEW_MS later is refused. */
  at?: Date
}

function sameCertificate (a: Certificate, b: Certificate): boolean {
  const x = new Uint8Array(a.tbsView)
  const y = new Uint8Array(b.tbsView)
  return x.length === y.length && x.every((v, i) => v === y[i])
}

function checkValidity (cert: Certificate, at: Date, what: string): void {
  if (cert.notBefore.value > at || cert.notAfter.value < at) {
    throw new TimestampError('EXPIRED', `${what} was not valid at the token's time ${at.toISOString()} (valid ${cert.notBefore.value.toISOString()} to ${cert.notAfter.value.toISOString()})`)
  }
}

async function checkChain (parsed: ParsedToken, signerCert: Certificate, trusted: readonly Certificate[]): Promise<void> {
  const pinned = trusted.find((t) => sameCertificate(t, signerCert))
  if (pinned !== undefined) return
  const certs = (parsed.signedData.certificates ?? []).filter((c): c is Certificate => 'tbsView' in c)
  const engine = new CertificateChainValidationEngine({ certs: [...certs, signerCert], trustedCerts: [...trusted], checkDate: parsed.genTime })
  let result: { result: boolean, resultCode?: number, resultMessage?: string }
  try {
    result = await engine.verify()
  } catch (err) {
    result = (typeof err === 'object' && err !== null && 'resultCode' in err) ? err as typeof result : { result: false, resultMessage: String(err) }
  }
  if (result.result) return
  // pkijs result code 8: a certificate of the path was not valid at checkDate.
  if (result.resultCode === 8) throw new TimestampError('EXPIRED', 'a certificate of the TSA\'s chain was not valid at the token\'s time')
  throw new TimestampError('UNTRUSTED', `the TSA's certificate does not chain to a trusted certificate (${result.resultMessage ?? 'no path'})`)
}

async function checkSignature (parsed: ParsedToken, signerCert: Certificate, root: Uint8Array): Promise<void> {
  checkContentType(parsed.signer)
  const signedData = parsed.signedData
  const certs = signedData.certificates ?? []
  if (!certs.includes(signerCert)) signedData.certificates = [...certs, signerCert]
  let ok = false
  try {
    // pkijs recomputes the imprint over `data`, the eContent digest, and the signature over the signed attributes.
    const result = await signedData.verify({ signer: 0, data: root.slice().buffer, checkChain: false, extendedMode: true })
    ok = result.signatureVerified === true && result.signerCertificate === signerCert
  } catch (err) {
    throw new TimestampError('BAD_SIGNATURE', 'the token\'s signature does not verify', { cause: err })
  }
  if (!ok) throw new TimestampError('BAD_SIGNATURE', 'the token\'s signature does not verify')
}

/** IMPRINT_MISMATCH unless the token's message imprint is SHA-256(root). */
export function checkImprint (parsed: ParsedToken, root: Uint8Array): void {
  const expected = imprintOf(root)
  if (parsed.imprintAlgorithm !== OID.sha256 || parsed.imprint.length !== expected.length || !parsed.imprint.every((v, i) => v === expected[i])) {
    throw new TimestampError('IMPRINT_MISMATCH', 'the token stamps something other than this root')
  }
}

/** Checks `token` stamps `root` and is signed by a TSA chaining to `trusted`; returns its time, TSA and serial. */
export async function verifyTimestampToken (token: Uint8Array, root: Uint8Array, trusted: TsaTrust, opts: VerifyTimestampOptions = {}): Promise<VerifiedTimestamp> {
  checkRoot(root)
  const parsed = parseToken(token)
  checkImprint(parsed, root)
  if (opts.nonce !== undefined && parsed.nonce !== opts.nonce) {
    throw new TimestampError('NONCE_MISMATCH', parsed.nonce === undefined ? 'the token carries no nonce' : 'the token answers another request (its nonce differs)')
  }
  const signerCert = await findSignerCertificate(parsed.signedData, parsed.signer, trusted.certificates)
  await checkSigningCertificate(parsed.signer, signerCert)
  await checkSignature(parsed, signerCert, root)
  checkTimeStampingUsage(signerCert)
  const at = opts.at ?? new Date()
  if (parsed.genTime.getTime() > at.getTime() + CLOCK_SKEW_MS) {
    throw new TimestampError('BAD_TIME', `the token is dated ${parsed.genTime.toISOString()}, after ${at.toISOString()}`)
  }
  checkValidity(signerCert, parsed.genTime, 'the TSA\'s certificate')
  await checkChain(parsed, signerCert, trusted.certificates)
  return { time: parsed.genTime.toISOString(), tsa: subjectName(signerCert), serial: parsed.serial }
}
