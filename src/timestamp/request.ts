/**
 * The request we send a TSA (RFC 3161 §2.4.1):
 *
 *   TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
 *     reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE, … }
 *   MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
 *
 * The imprint is SHA-256 over the 32 bytes of the batch root (docs/decisions.md, "RFC 3161
 * imprint"): every TSA accepts SHA-256, while the root's own hash (keccak-256) has no OID.
 * certReq is TRUE so the token carries the TSA's certificate and a verifier needs only the
 * CA it trusts. Encoding is pkijs's; no DER is written by hand.
 */
import { AlgorithmIdentifier, MessageImprint, TimeStampReq } from 'pkijs'
import * as asn1js from 'asn1js'
import { getBytes, sha256 } from 'ethers'
import { TimestampError } from './errors'
import { OID } from './oids'

export const ROOT_BYTES = 32
/** Nonces are positive and at most 128 bits: large enough never to repeat, small enough for any TSA. */
const MAX_NONCE = (1n << 128n) - 1n

/** The 32-byte imprint a token for `root` must carry: SHA-256(root). */
export function imprintOf (root: Uint8Array): Uint8Array {
  checkRoot(root)
  return getBytes(sha256(root))
}

export function checkRoot (root: Uint8Array): void {
  if (!(root instanceof Uint8Array) || root.length !== ROOT_BYTES) {
    throw new TimestampError('MALFORMED', `a batch root is ${ROOT_BYTES} bytes`)
  }
}

/** DER TimeStampReq for `root` with `nonce` (1 … 2^128-1) and certReq TRUE; its own ArrayBuffer, so `fetch` can send it as a body. */
export function buildTimestampRequest (root: Uint8Array, nonce: bigint): Uint8Array<ArrayBuffer> {
  if (typeof nonce !== 'bigint' || nonce < 1n || nonce > MAX_NONCE) {
    throw new TimestampError('MALFORMED', 'a nonce is an integer from 1 to 2^128-1')
  }
  const request = new TimeStampReq({
    version: 1,
    messageImprint: new MessageImprint({
      hashAlgorithm: new AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: imprintOf(root) })
    }),
    nonce: asn1js.Integer.fromBigInt(nonce),
    certReq: true
  })
  return new Uint8Array(request.toSchema().toBER(false))
}

/** A fresh random 64-bit nonce (never 0). */
export function randomNonce (): bigint {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(8))
  const value = bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n)
  return value === 0n ? 1n : value
}
