/**
 * The TSA's certificate inside a token: which one signed (the SignerInfo's sid), that the
 * signature covers it (ESSCertID / ESSCertIDv2, RFC 5035), and that it is a time-stamping
 * certificate (RFC 3161 §2.3: extended key usage present, critical, id-kp-timeStamping only).
 *
 *   SigningCertificate   ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies … OPTIONAL }
 *   ESSCertID            ::= SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial IssuerSerial OPTIONAL }
 *   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }
 *   ESSCertIDv2          ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT sha256,
 *                                       certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }
 *   IssuerSerial         ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }
 *
 * The first ESSCertID names the signer (RFC 5035 §5.4).
 */
import * as asn1js from 'asn1js'
import { AlgorithmIdentifier, Certificate, IssuerAndSerialNumber } from 'pkijs'
import type { Attribute, SignedData, SignerInfo } from 'pkijs'
import { TimestampError } from './errors'
import { HASH_BY_OID, OID } from './oids'

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** WebCrypto reads only bytes backed by a plain ArrayBuffer (never a SharedArrayBuffer): callers pass their own copy. */
async function digest (name: string, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(name, data))
}

/** The certificate that made the signature: among the token's certificates, else among the trusted ones. */
export async function findSignerCertificate (signedData: SignedData, signer: SignerInfo, trusted: readonly Certificate[]): Promise<Certificate> {
  const candidates = [...(signedData.certificates ?? []).filter((c): c is Certificate => c instanceof Certificate), ...trusted]
  const sid = signer.sid
  for (const cert of candidates) {
    if (sid instanceof IssuerAndSerialNumber) {
      if (cert.issuer.isEqual(sid.issuer) && cert.serialNumber.isEqual(sid.serialNumber)) return cert
    } else {
      // subjectKeyIdentifier [0]: SHA-1 of the public key, as RFC 5280 §4.2.1.2 method (1) and pkijs compute it.
      const block = sid as asn1js.Constructed | asn1js.Primitive
      const keyId = block.idBlock.isConstructed
        ? new Uint8Array(((block as asn1js.Constructed).valueBlock.value[0] as asn1js.OctetString).valueBlock.valueHexView)
        : new Uint8Array((block as asn1js.Primitive).valueBlock.valueHexView)
      if (equalBytes(await digest('SHA-1', new Uint8Array(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)), keyId)) return cert
    }
  }
  throw new TimestampError('UNTRUSTED', 'the token names a signing certificate that neither it nor the trusted certificates hold')
}

export function checkTimeStampingUsage (cert: Certificate): void {
  const eku = cert.extensions?.find((e) => e.extnID === OID.extKeyUsage)
  const purposes = (eku?.parsedValue as { keyPurposes?: string[] } | undefined)?.keyPurposes ?? []
  if (eku === undefined || !eku.critical || purposes.length !== 1 || purposes[0] !== OID.timeStamping) {
    throw new TimestampError('UNTRUSTED', 'the signing certificate is not a time-stamping certificate (RFC 3161 needs a critical extended key usage of id-kp-timeStamping only)')
  }
}

function attribute (signer: SignerInfo, type: string): Attribute | undefined {
  const found = (signer.signedAttrs?.attributes ?? []).filter((a) => a.type === type)
  if (found.length > 1) throw new TimestampError('MALFORMED', `the signed attributes repeat ${type}`)
  return found[0]
}

function children (block: unknown, what: string): asn1js.AsnType[] {
  if (!(block instanceof asn1js.Sequence)) throw new TimestampError('MALFORMED', `${what} is not a SEQUENCE`)
  return block.valueBlock.value
}

/** The content-type signed attribute must name TSTInfo (RFC 5652 §11.1); pkijs only checks that it is there. */
export function checkContentType (signer: SignerInfo): void {
  const value = attribute(signer, OID.contentTypeAttr)?.values[0]
  if (!(value instanceof asn1js.ObjectIdentifier) || value.valueBlock.toString() !== OID.tstInfo) {
    throw new TimestampError('BAD_SIGNATURE', 'the signed content-type attribute does not name TSTInfo')
  }
}

/** Throws unless the signed attributes bind `cert` by its hash (and serial, when given). */
export async function checkSigningCertificate (signer: SignerInfo, cert: Certificate): Promise<void> {
  const v2 = attribute(signer, OID.signingCertificateV2)
  const v1 = v2 === undefined ? attribute(signer, OID.signingCertificate) : undefined
  if (v2 === undefined && v1 === undefined) throw new TimestampError('MALFORMED', 'the token has no signing-certificate attribute (ESSCertID)')
  const value = (v2 ?? v1)?.values[0]
  const ids = children(children(value, 'SigningCertificate')[0], 'the ESSCertID list')
  const fields = children(ids[0], 'the first ESSCertID')
  let hashName = v2 === undefined ? 'SHA-1' : 'SHA-256'
  if (v2 !== undefined && fields[0] instanceof asn1js.Sequence) {
    const name = HASH_BY_OID[new AlgorithmIdentifier({ schema: fields.shift() }).algorithmId]
    if (name === undefined) throw new TimestampError('MALFORMED', 'the ESSCertIDv2 uses an unknown hash')
    hashName = name
  }
  const certHash = fields[0]
  if (!(certHash instanceof asn1js.OctetString)) throw new TimestampError('MALFORMED', 'the ESSCertID has no certificate hash')
  const der = new Uint8Array(cert.toSchema().toBER(false))
  if (!equalBytes(await digest(hashName, der), new Uint8Array(certHash.valueBlock.valueHexView))) {
    throw new TimestampError('BAD_SIGNATURE', 'the signed ESSCertID names another certificate than the one that signed')
  }
  if (fields[1] !== undefined) {
    const serial = children(fields[1], 'the ESSCertID issuerSerial')[1]
    if (!(serial instanceof asn1js.Integer) || !serial.isEqual(cert.serialNumber)) {
      throw new TimestampError('BAD_SIGNATURE', 'the signed ESSCertID names another serial number than the signing certificate')
    }
  }
}

const NAME_KEYS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.5': 'serialNumber'
}

/** The certificate's subject as `C=…, O=…, CN=…`, in the certificate's own order. */
export function subjectName (cert: Certificate): string {
  return cert.subject.typesAndValues
    .map((tv) => `${NAME_KEYS[tv.type] ?? tv.type}=${String((tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value ?? '')}`)
    .join(', ')
}
