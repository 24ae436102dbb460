/**
 * The certificates a verifier trusts for one TSA: its CA (or CA chain), or the TSA's own
 * certificate pinned directly. Parsed once from PEM into a `TsaTrust`; only this file makes one.
 */
import { Certificate } from 'pkijs'
import { sha256 } from 'ethers'
import { TimestampError } from './errors'
import { parseDer } from './token'

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g
const MAX_CERTIFICATES = 16
const MAX_PEM_CHARS = 256 * 1024

export interface TsaTrust {
  readonly certificates: readonly Certificate[]
  /** SHA-256 of each certificate's DER, lowercase hex, in the order given. */
  readonly fingerprints: readonly string[]
}

function bad (why: string, cause?: unknown): TimestampError {
  return new TimestampError('BAD_TRUST', `the trusted TSA certificates are not usable: ${why}`, { cause })
}

function base64 (text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** One or more PEM certificates (a CA chain, or the TSA's own certificate); anything else in the text is refused. */
export function parseTsaTrust (pemChain: string): TsaTrust {
  if (typeof pemChain !== 'string' || pemChain.length > MAX_PEM_CHARS) throw bad('expected PEM text')
  const blocks = [...pemChain.matchAll(PEM_BLOCK)]
  if (blocks.length === 0) throw bad('no PEM certificate found')
  if (blocks.length > MAX_CERTIFICATES) throw bad(`more than ${MAX_CERTIFICATES} certificates`)
  if (pemChain.replace(PEM_BLOCK, '').trim() !== '') throw bad('text outside the PEM certificates')
  const certificates: Certificate[] = []
  const fingerprints: string[] = []
  for (const [i, block] of blocks.entries()) {
    try {
      const der = base64(block[1])
      certificates.push(new Certificate({ schema: parseDer(der, 'the certificate') }))
      fingerprints.push(sha256(der).slice(2))
    } catch (err) {
      throw bad(`certificate ${i + 1} is not a DER X.509 certificate`, err)
    }
  }
  return Object.freeze({ certificates: Object.freeze(certificates), fingerprints: Object.freeze(fingerprints) })
}
