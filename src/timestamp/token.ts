/**
 * Reading an untrusted token into typed parts, once (RFC 3161 §2.4.2):
 *
 *   TimeStampToken ::= ContentInfo  -- contentType id-signedData, content SignedData
 *   SignedData.encapContentInfo.eContentType = id-ct-TSTInfo, eContent = DER TSTInfo
 *   TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime,
 *     accuracy OPTIONAL, ordering DEFAULT FALSE, nonce OPTIONAL, tsa [0] OPTIONAL, … }
 *
 * Everything after this file works on `ParsedToken`; any parse failure is MALFORMED.
 */
import * as asn1js from 'asn1js'
import { ContentInfo, SignedData, TSTInfo } from 'pkijs'
import type { SignerInfo } from 'pkijs'
import { TimestampError } from './errors'
import { OID } from './oids'

/** Tokens are a few kilobytes; anything far larger is not one we will parse. */
export const MAX_TOKEN_BYTES = 64 * 1024

export interface ParsedToken {
  signedData: SignedData
  signer: SignerInfo
  tstInfo: TSTInfo
  imprintAlgorithm: string
  imprint: Uint8Array
  genTime: Date
  /** The nonce as a decimal string, absent when the TSA put none. */
  nonce?: string
  /** The TSA's serial number of this token, lowercase hex. */
  serial: string
}

function malformed (why: string, cause?: unknown): TimestampError {
  return new TimestampError('MALFORMED', `not an RFC 3161 time-stamp token: ${why}`, { cause })
}

/** Parses BER with nothing left over; an error or trailing bytes are MALFORMED. */
export function parseDer (bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes)
  if (parsed.offset === -1 || parsed.result.error !== '') throw malformed(`${what} is not DER`)
  if (parsed.offset !== bytes.length) throw malformed(`${what} has ${bytes.length - parsed.offset} bytes after its end`)
  return parsed.result
}

export function parseToken (token: Uint8Array): ParsedToken {
  if (!(token instanceof Uint8Array) || token.length === 0) throw malformed('empty')
  if (token.length > MAX_TOKEN_BYTES) throw malformed(`larger than ${MAX_TOKEN_BYTES} bytes`)
  let signedData: SignedData
  let tstInfo: TSTInfo
  try {
    const info = new ContentInfo({ schema: parseDer(token, 'the token') })
    if (info.contentType !== OID.signedData) throw malformed('not CMS SignedData')
    signedData = new SignedData({ schema: info.content })
    if (signedData.encapContentInfo.eContentType !== OID.tstInfo) throw malformed('the signed content is not a TSTInfo')
    const content = signedData.encapContentInfo.eContent
    if (content === undefined) throw malformed('the TSTInfo is missing')
    tstInfo = new TSTInfo({ schema: parseDer(new Uint8Array(content.getValue()), 'the TSTInfo') })
  } catch (err) {
    if (err instanceof TimestampError) throw err
    throw malformed('its ASN.1 does not match RFC 3161', err)
  }
  // RFC 3161 §2.4.2: the token carries the TSA's signature and no other.
  if (signedData.signerInfos.length !== 1) throw malformed(`it has ${signedData.signerInfos.length} signatures, not 1`)
  const genTime = tstInfo.genTime
  if (!(genTime instanceof Date) || Number.isNaN(genTime.getTime())) throw malformed('genTime is not a time')
  const serialInt = tstInfo.serialNumber
  return {
    signedData,
    signer: signedData.signerInfos[0],
    tstInfo,
    imprintAlgorithm: tstInfo.messageImprint.hashAlgorithm.algorithmId,
    imprint: new Uint8Array(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView),
    genTime,
    nonce: tstInfo.nonce === undefined ? undefined : tstInfo.nonce.toBigInt().toString(),
    serial: serialInt.toBigInt().toString(16)
  }
}
