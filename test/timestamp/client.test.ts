import { expect } from 'chai'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { parseTsaTrust, requestTimestamp, verifyTimestampToken } from '../../src/timestamp'
import type { TsaTrust } from '../../src/timestamp'
import { startTestTsa } from '../support/tsa'
import type { TestTsa } from '../support/tsa'
import { OTHER_ROOT, refusal, ROOT } from './helpers'

/** A port on 127.0.0.1 that nothing listens on: bound, read, closed. */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('timestamp: requestTimestamp against a local OpenSSL TSA', function () {
  let tsa: TestTsa
  let trust: TsaTrust

  before(async () => {
    tsa = await startTestTsa()
    trust = parseTsaTrust(tsa.caPem)
  })
  after(async () => { await tsa?.close() })
  beforeEach(() => { tsa.answer = 'token'; tsa.cert = 'valid' })

  it('gets a token for the root that verifies, with its nonce, against the test CA and against the pinned TSA certificate', async () => {
    const before = Date.now()
    const stamp = await requestTimestamp(tsa.url, ROOT, { trusted: trust })
    const after = Date.now()
    // genTime has whole seconds here (OpenSSL's default precision).
    expect(Date.parse(stamp.time)).to.be.within(Math.floor(before / 1000) * 1000, after)
    expect(stamp.nonce).to.match(/^[1-9]\d*$/)
    const verified = await verifyTimestampToken(stamp.token, ROOT, trust, { nonce: stamp.nonce })
    expect(verified.time).to.equal(stamp.time)
    expect(verified.tsa).to.equal('CN=Hyperseal Test TSA, O=Hyperseal tests')
    expect(verified.serial).to.match(/^[0-9a-f]+$/)
    expect(await verifyTimestampToken(stamp.token, ROOT, parseTsaTrust(tsa.tsaCertPem))).to.deep.equal(verified)
  })

  it('uses a fresh nonce per request, and each token answers only its own', async () => {
    const a = await requestTimestamp(tsa.url, ROOT)
    const b = await requestTimestamp(tsa.url, ROOT)
    expect(a.nonce).to.not.equal(b.nonce)
    expect(await refusal(verifyTimestampToken(a.token, ROOT, trust, { nonce: b.nonce }))).to.equal('NONCE_MISMATCH')
    expect(await refusal(verifyTimestampToken(a.token, OTHER_ROOT, trust))).to.equal('IMPRINT_MISMATCH')
  })

  it('refuses a token for another imprint, another nonce or no nonce', async () => {
    tsa.answer = 'wrong-imprint'
    expect(await refusal(requestTimestamp(tsa.url, ROOT))).to.equal('IMPRINT_MISMATCH')
    tsa.answer = 'bad-nonce'
    expect(await refusal(requestTimestamp(tsa.url, ROOT))).to.equal('NONCE_MISMATCH')
    tsa.answer = 'no-nonce'
    expect(await refusal(requestTimestamp(tsa.url, ROOT))).to.equal('NONCE_MISMATCH')
  })

  it('refuses, when given the trusted certificates, a token the TSA signed with an expired, untrusted or non-TSA certificate', async () => {
    const expected = { expired: 'EXPIRED', untrusted: 'UNTRUSTED', 'not-tsa': 'UNTRUSTED' } as const
    for (const [cert, code] of Object.entries(expected)) {
      tsa.cert = cert as keyof typeof expected
      expect(await refusal(requestTimestamp(tsa.url, ROOT, { trusted: trust })), cert).to.equal(code)
    }
  })

  it('says TSA_REFUSED for a rejection status (OpenSSL refusing SHA-1) and TSA_UNAVAILABLE for HTTP 500', async () => {
    tsa.answer = 'rejection'
    expect(await refusal(requestTimestamp(tsa.url, ROOT))).to.equal('TSA_REFUSED')
    tsa.answer = 'http-500'
    expect(await refusal(requestTimestamp(tsa.url, ROOT))).to.equal('TSA_UNAVAILABLE')
  })

  it('says MALFORMED for an answer that is not DER, TOO_LARGE for an endless one', async () => {
    tsa.answer = 'garbage'
    expect(await refusal(requestTimestamp(tsa.url, ROOT))).to.equal('MALFORMED')
    tsa.answer = 'huge'
    expect(await refusal(requestTimestamp(tsa.url, ROOT))).to.equal('TOO_LARGE')
  })

  it('gives up on a TSA that never answers, within its time bound', async () => {
    tsa.answer = 'hang'
    expect(await refusal(requestTimestamp(tsa.url, ROOT, { timeoutMs: 200 }))).to.equal('TSA_UNAVAILABLE')
  })

  it('says TSA_UNAVAILABLE for a closed port or a URL that is not http(s)', async () => {
    expect(await refusal(requestTimestamp(`http://127.0.0.1:${await closedPort()}/tsa`, ROOT))).to.equal('TSA_UNAVAILABLE')
    expect(await refusal(requestTimestamp('file:///etc/passwd', ROOT))).to.equal('TSA_UNAVAILABLE')
    expect(await refusal(requestTimestamp('not a url', ROOT))).to.equal('TSA_UNAVAILABLE')
  })

  it('refuses a root that is not 32 bytes before sending anything', async () => {
    const seen = tsa.requests
    expect(await refusal(requestTimestamp(tsa.url, new Uint8Array(31)))).to.equal('MALFORMED')
    expect(tsa.requests).to.equal(seen)
  })
})
