import { expect } from 'chai'
import { X509Certificate } from 'node:crypto'
import { parseTsaTrust, TimestampError } from '../../src/timestamp'
import { startTestTsa } from '../support/tsa'
import type { TestTsa } from '../support/tsa'

function codeOf (fn: () => unknown): string | undefined {
  try { fn() } catch (err) {
    expect(err).to.be.instanceOf(TimestampError)
    return (err as TimestampError).code
  }
  return undefined
}

describe('timestamp: parseTsaTrust', function () {
  let tsa: TestTsa
  before(async () => { tsa = await startTestTsa() })
  after(async () => { await tsa?.close() })

  it('reads a CA, or a chain, with each certificate\'s SHA-256 fingerprint as Node computes it', () => {
    const one = parseTsaTrust(tsa.caPem)
    expect(one.certificates).to.have.length(1)
    expect(one.fingerprints).to.deep.equal([new X509Certificate(tsa.caPem).fingerprint256.replace(/:/g, '').toLowerCase()])
    const chain = parseTsaTrust(`${tsa.tsaCertPem}\n${tsa.caPem}`)
    expect(chain.fingerprints).to.deep.equal([
      new X509Certificate(tsa.tsaCertPem).fingerprint256.replace(/:/g, '').toLowerCase(),
      one.fingerprints[0]
    ])
    expect(Object.isFrozen(chain.certificates)).to.equal(true)
  })

  it('refuses anything but PEM certificates as BAD_TRUST', () => {
    const body = tsa.caPem.split('\n').filter((l) => !l.startsWith('-----')).join('\n')
    const bad = [
      '',
      'hello',
      `${tsa.caPem}\nsome other text`,
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      `-----BEGIN CERTIFICATE-----\n${body.slice(0, -8)}\n-----END CERTIFICATE-----`,
      `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`,
      tsa.caPem.repeat(17),
      'x'.repeat(300_000)
    ]
    for (const [i, pem] of bad.entries()) expect(codeOf(() => parseTsaTrust(pem)), `case ${i}`).to.equal('BAD_TRUST')
    expect(codeOf(() => parseTsaTrust(undefined as unknown as string))).to.equal('BAD_TRUST')
  })
})
