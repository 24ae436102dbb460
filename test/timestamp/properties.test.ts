import { expect } from 'chai'
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { TimeStampReq } from 'pkijs'
import { buildTimestampRequest, parseTsaTrust, requestTimestamp, TimestampError, verifyTimestampToken } from '../../src/timestamp'
import type { TsaTrust, VerifiedTimestamp } from '../../src/timestamp'
import { startTestTsa } from '../support/tsa'
import type { TestTsa } from '../support/tsa'
import { ROOT } from './helpers'

describe('timestamp: properties', function () {
  it('buildTimestampRequest: v1, SHA-256 of the root, the nonce as a positive INTEGER, certReq TRUE, for any root and nonce', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.bigInt({ min: 1n, max: (1n << 128n) - 1n }), (root, nonce) => {
      const der = buildTimestampRequest(root, nonce)
      const req = TimeStampReq.fromBER(der)
      expect(req.version).to.equal(1)
      expect(req.messageImprint.hashAlgorithm.algorithmId).to.equal('2.16.840.1.101.3.4.2.1')
      expect(Buffer.from(req.messageImprint.hashedMessage.valueBlock.valueHexView).toString('hex')).to.equal(createHash('sha256').update(root).digest('hex'))
      expect(req.nonce?.toBigInt()).to.equal(nonce)
      expect(req.certReq).to.equal(true)
      expect(req.reqPolicy).to.equal(undefined)
    }), { numRuns: 200 })
  })

  it('buildTimestampRequest refuses a root that is not 32 bytes and a nonce outside 1 … 2^128-1', () => {
    for (const [root, nonce] of [[new Uint8Array(31), 1n], [new Uint8Array(32), 0n], [new Uint8Array(32), -1n], [new Uint8Array(32), 1n << 128n]] as const) {
      expect(() => buildTimestampRequest(root, nonce)).to.throw(TimestampError).with.property('code', 'MALFORMED')
    }
  })

  describe('byte flips in a real token', function () {
    let tsa: TestTsa
    let trust: TsaTrust
    let token: Uint8Array
    let nonce: string
    let verified: VerifiedTimestamp

    before(async () => {
      tsa = await startTestTsa()
      trust = parseTsaTrust(tsa.caPem)
      ;({ token, nonce } = await requestTimestamp(tsa.url, ROOT))
      verified = await verifyTimestampToken(token, ROOT, trust, { nonce })
    })
    after(async () => { await tsa?.close() })

    it('a token with any byte changed is refused with a TimestampError, or means exactly what the original meant', async () => {
      let refused = 0
      await fc.assert(fc.asyncProperty(fc.nat({ max: 1 << 20 }), fc.integer({ min: 1, max: 255 }), async (where, mask) => {
        const flipped = Uint8Array.from(token)
        flipped[where % token.length] ^= mask
        try {
          // A flip in bytes nobody signs (e.g. the CA certificate the token carries, which the trusted copy replaces) may change nothing that matters.
          expect(await verifyTimestampToken(flipped, ROOT, trust, { nonce })).to.deep.equal(verified)
        } catch (err) {
          if (!(err instanceof TimestampError)) throw err
          refused++
        }
      }), { numRuns: 200 })
      // Nearly every byte is signed, encoding or certificate (about 19 in 20 flips are refused): most flips must be.
      expect(refused).to.be.greaterThan(100)
    })
  })
})
