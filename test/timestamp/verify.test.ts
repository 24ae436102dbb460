import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ContentInfo, SignedData, TSTInfo } from 'pkijs'
import { parseTsaTrust, requestTimestamp, verifyTimestampToken } from '../../src/timestamp'
import type { TsaTrust } from '../../src/timestamp'
import { startTestTsa } from '../support/tsa'
import type { TestTsa, TsaCert } from '../support/tsa'
import { editAt, OTHER_ROOT, refusal, ROOT, tokensByCert } from './helpers'

const run = promisify(execFile)

function signedDataOf (token: Uint8Array): SignedData {
  return new SignedData({ schema: ContentInfo.fromBER(token).content })
}

describe('timestamp: verifyTimestampToken on real OpenSSL tokens', function () {
  let tsa: TestTsa
  let trust: TsaTrust
  let tokens: Record<TsaCert, { token: Uint8Array, nonce: string }>
  let good: Uint8Array
  let dir: string

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hs-tsa-verify-'))
    tsa = await startTestTsa()
    trust = parseTsaTrust(tsa.caPem)
    tokens = await tokensByCert(tsa, ROOT)
    good = tokens.valid.token
  })
  after(async () => {
    await tsa?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('accepts the token and says its time, TSA and serial', async () => {
    const tstInfo = TSTInfo.fromBER(signedDataOf(good).encapContentInfo.eContent!.getValue())
    const verified = await verifyTimestampToken(good, ROOT, trust, { nonce: tokens.valid.nonce })
    expect(verified).to.deep.equal({
      time: tstInfo.genTime.toISOString(),
      tsa: 'CN=Hyperseal Test TSA, O=Hyperseal tests',
      serial: tstInfo.serialNumber.toBigInt().toString(16)
    })
  })

  it('is the same token OpenSSL verifies over the root bytes (the imprint is SHA-256 of the 32-byte root)', async () => {
    writeFileSync(join(dir, 'token.der'), good)
    writeFileSync(join(dir, 'root.bin'), ROOT)
    writeFileSync(join(dir, 'ca.pem'), tsa.caPem)
    const { stdout } = await run('openssl', ['ts', '-verify', '-token_in', '-in', 'token.der', '-data', 'root.bin', '-CAfile', 'ca.pem'], { cwd: dir })
    expect(stdout).to.contain('Verification: OK')
  })

  it('refuses the token for another root, and with another nonce', async () => {
    expect(await refusal(verifyTimestampToken(good, OTHER_ROOT, trust))).to.equal('IMPRINT_MISMATCH')
    expect(await refusal(verifyTimestampToken(good, ROOT, trust, { nonce: (BigInt(tokens.valid.nonce) + 1n).toString() }))).to.equal('NONCE_MISMATCH')
  })

  it('refuses an expired, an untrusted (a CA with the trusted name but another key) and a non-TSA certificate', async () => {
    expect(await refusal(verifyTimestampToken(tokens.expired.token, ROOT, trust))).to.equal('EXPIRED')
    expect(await refusal(verifyTimestampToken(tokens.untrusted.token, ROOT, trust))).to.equal('UNTRUSTED')
    expect(await refusal(verifyTimestampToken(tokens['not-tsa'].token, ROOT, trust))).to.equal('UNTRUSTED')
  })

  it('refuses a good token when trusting another CA, or a certificate other than the TSA\'s', async () => {
    // The rogue CA and the non-TSA certificate ride in the refused tokens' certificate sets.
    const certsOf = (t: Uint8Array): string[] => (signedDataOf(t).certificates ?? []).map((c) => {
      const der = Buffer.from(c.toSchema().toBER(false)).toString('base64')
      return `-----BEGIN CERTIFICATE-----\n${der}\n-----END CERTIFICATE-----\n`
    })
    const others = [...certsOf(tokens.untrusted.token), ...certsOf(tokens['not-tsa'].token)].map(parseTsaTrust)
      .filter((t) => t.fingerprints[0] !== trust.fingerprints[0])
    expect(others).to.have.length(3)
    for (const other of others) expect(await refusal(verifyTimestampToken(good, ROOT, other))).to.equal('UNTRUSTED')
  })

  it('refuses a token without the ESSCertID binding, and one whose certificate was swapped for another with the same key', async () => {
    tsa.cert = 'no-ess'
    const noEss = await requestTimestamp(tsa.url, ROOT)
    tsa.cert = 'swapped'
    const swapped = await requestTimestamp(tsa.url, ROOT)
    tsa.cert = 'valid'
    expect(await refusal(verifyTimestampToken(noEss.token, ROOT, trust))).to.equal('MALFORMED')
    expect(await refusal(verifyTimestampToken(swapped.token, ROOT, trust))).to.equal('BAD_SIGNATURE')
  })

  it('keeps a token valid after its certificate expires (judged at genTime), and refuses one dated after the check', async () => {
    expect(await verifyTimestampToken(good, ROOT, trust, { at: new Date('2099-01-01T00:00:00Z') })).to.have.property('tsa')
    expect(await refusal(verifyTimestampToken(good, ROOT, trust, { at: new Date('2020-01-01T00:00:00Z') }))).to.equal('BAD_TIME')
  })

  it('refuses a changed signature or a changed genTime as BAD_SIGNATURE', async () => {
    const signature = new Uint8Array(signedDataOf(good).signerInfos[0].signature.valueBlock.valueHexView)
    const badSig = editAt(good, signature, (copy, at) => { copy[at + signature.length - 1] ^= 0x01 })
    expect(await refusal(verifyTimestampToken(badSig, ROOT, trust))).to.equal('BAD_SIGNATURE')
    // genTime is GeneralizedTime YYYYMMDDHHMMSS[.f]Z: move its first minute digit within 0-5.
    const genTime = TSTInfo.fromBER(signedDataOf(good).encapContentInfo.eContent!.getValue()).genTime
    const text = genTime.toISOString().replace(/[-:T]/g, '').slice(0, 12)
    const moved = editAt(good, new TextEncoder().encode(text), (copy, at) => { copy[at + 10] = copy[at + 10] === 0x30 ? 0x31 : 0x30 })
    expect(await refusal(verifyTimestampToken(moved, ROOT, trust, { at: new Date('2099-01-01T00:00:00Z') }))).to.equal('BAD_SIGNATURE')
  })

  it('refuses bytes that are not one DER token as MALFORMED', async () => {
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array(0)],
      ['truncated', good.subarray(0, good.length - 1)],
      ['trailing byte', Uint8Array.from([...good, 0])],
      ['not DER', new TextEncoder().encode('hello')],
      ['too large', new Uint8Array(70_000)]
    ]
    for (const [name, bytes] of cases) expect(await refusal(verifyTimestampToken(bytes, ROOT, trust)), name).to.equal('MALFORMED')
    expect(await refusal(verifyTimestampToken(good, new Uint8Array(33), trust))).to.equal('MALFORMED')
  })
})
