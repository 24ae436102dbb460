import { CodedError } from '../util'

export type TimestampErrorCode =
  | 'MALFORMED' // not a DER RFC 3161 token / response, or a required part is missing
  | 'BAD_SIGNATURE' // the CMS signature, its message digest or its ESSCertID binding does not hold
  | 'UNTRUSTED' // no chain to a trusted certificate, or the signer is not a time-stamping certificate
  | 'EXPIRED' // a certificate of the chain was not valid at the token's genTime
  | 'BAD_TIME' // genTime is later than the moment the caller checks at
  | 'IMPRINT_MISMATCH' // the token stamps something other than this root
  | 'NONCE_MISMATCH' // the token answers another request
  | 'BAD_TRUST' // the trusted TSA certificates given are not usable PEM certificates
  | 'TSA_UNAVAILABLE' // the TSA could not be reached, timed out or failed (5xx): try later
  | 'TSA_REFUSED' // the TSA answered but refused the request (rejection status or 4xx)
  | 'TOO_LARGE' // the TSA's answer exceeds the size bound

export class TimestampError extends CodedError<TimestampErrorCode> {}
