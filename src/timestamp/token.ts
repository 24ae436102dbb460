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
/** A TSA sends its certificate and perhaps its chain; many more would only feed path building. */
export const MAX_TOKEN_CERTIFICATES = 8

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

/**
 * Parses DER with nothing left over. asn1js reads BER leniently (a length that disagrees with
 * the content may still parse), so the value must also encode back to exactly these bytes:
 * one token has one encoding (RFC 3161 §2.4.2 asks DER of the TSTInfo; TSAs send DER throughout).
 */
export function parseDer (bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes)
  if (parsed.offset === -1 || parsed.result.error !== '') throw malformed(`${what} is not DER`)
  if (parsed.offset !== bytes.length) throw malformed(`${what} has ${bytes.length - parsed.offset} bytes after its end`)
  const again = new Uint8Array(parsed.result.toBER(false))
  if (again.length !== bytes.length || !again.every((v, i) => v === bytes[i])) throw malformed(`${what} is not in DER (distinguished) form`)
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
  const certificates = signedData.certificates?.length ?? 0
  if (certificates > MAX_TOKEN_CERTIFICATES) throw malformed(`it carries ${certificates} certificates, more than ${MAX_TOKEN_CERTIFICATES}`)
  // RFC 5652 §5.1: version 3 for content other than id-data; digestAlgorithms lists the signer's.
  if (signedData.version !== 3) throw malformed(`SignedData version ${signedData.version}, not 3`)
  const digest = signedData.signerInfos[0].digestAlgorithm.algorithmId
  if (!signedData.digestAlgorithms.some((a) => a.algorithmId === digest)) throw malformed('the signer\'s digest algorithm is not among the SignedData\'s')
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
