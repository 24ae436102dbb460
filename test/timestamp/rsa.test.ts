import { expect } from 'chai'
import { ContentInfo, SignedData } from 'pkijs'
import { parseTsaTrust, requestTimestamp, verifyTimestampToken } from '../../src/timestamp'
import { startTestTsa } from '../support/tsa'
import type { TestTsa } from '../support/tsa'
import { editAt, refusal, ROOT, tokensByCert } from './helpers'

const SIGNING_CERTIFICATE_V1 = '1.2.840.113549.1.9.16.2.12'

describe('timestamp: an RSA TSA with SHA-1 ESSCertID (as older public TSAs answer)', function () {
  let tsa: TestTsa

  before(async () => { tsa = await startTestTsa({ keys: 'rsa', essHash: 'sha1' }) })
  after(async () => { await tsa?.close() })

  it('verifies its tokens, bound by the RFC 2634 signingCertificate attribute', async () => {
    const trust = parseTsaTrust(tsa.caPem)
    const stamp = await requestTimestamp(tsa.url, ROOT, { trusted: trust })
    const signer = new SignedData({ schema: ContentInfo.fromBER(stamp.token).content }).signerInfos[0]
    expect(signer.signatureAlgorithm.algorithmId).to.match(/^1\.2\.840\.113549\.1\.1\./)
    expect(signer.signedAttrs?.attributes.map((a) => a.type)).to.include(SIGNING_CERTIFICATE_V1)
    expect(await verifyTimestampToken(stamp.token, ROOT, trust, { nonce: stamp.nonce })).to.have.property('tsa', 'CN=Hyperseal Test TSA, O=Hyperseal tests')
    const signature = new Uint8Array(signer.signature.valueBlock.valueHexView)
    const altered = editAt(stamp.token, signature, (copy, at) => { copy[at + 100] ^= 0x80 })
    expect(await refusal(verifyTimestampToken(altered, ROOT, trust))).to.equal('BAD_SIGNATURE')
  })

  it('refuses its expired, untrusted and non-TSA tokens with the same codes as EC ones', async () => {
    const trust = parseTsaTrust(tsa.caPem)
    const tokens = await tokensByCert(tsa, ROOT)
    expect(await refusal(verifyTimestampToken(tokens.expired.token, ROOT, trust))).to.equal('EXPIRED')
    expect(await refusal(verifyTimestampToken(tokens.untrusted.token, ROOT, trust))).to.equal('UNTRUSTED')
    expect(await refusal(verifyTimestampToken(tokens['not-tsa'].token, ROOT, trust))).to.equal('UNTRUSTED')
  })
})
