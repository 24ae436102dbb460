/** The object identifiers of RFC 3161 / RFC 5652 / RFC 5035 this folder reads or writes. */
export const OID = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentTypeAttr: '1.2.840.113549.1.9.3',
  signingCertificate: '1.2.840.113549.1.9.16.2.12', // ESSCertID, SHA-1 (RFC 2634)
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47', // ESSCertIDv2, any hash (RFC 5035)
  extKeyUsage: '2.5.29.37',
  timeStamping: '1.3.6.1.5.5.7.3.8'
} as const

/** Hash OIDs to WebCrypto names, for the ESSCertIDv2 certificate hash. */
export const HASH_BY_OID: Readonly<Record<string, string>> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512'
}
