// RFC 3161 time-stamping: the request, the client, the trusted TSA certificates and the token
// verifier. Pure but for `requestTimestamp` (which uses `fetch`); runs in Node and the browser.
export { buildTimestampRequest } from './request'
export { requestTimestamp, tokenFromResponse } from './client'
export type { RequestTimestampOptions, Timestamp } from './client'
export { parseTsaTrust } from './trust'
export type { TsaTrust } from './trust'
export { verifyTimestampToken } from './verify'
export type { VerifiedTimestamp, VerifyTimestampOptions } from './verify'
export { TimestampError } from './errors'
export type { TimestampErrorCode } from './errors'
