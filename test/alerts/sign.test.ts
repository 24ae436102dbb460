/**
 * The receiver's check (verifyAlert), against what the sender signs (createSigner): both
 * schemes verify; a body changed by one byte, a timestamp changed or too old, a wrong secret or
 * key, or a header missing is refused with its reason.
 */
import { expect } from 'chai'
import fc from 'fast-check'
import { createSigner, ed25519PublicKey, verifyAlert } from '../../src/alerts'

const HMAC = 'h'.repeat(40)
const SEED = '11'.repeat(32)
const NOW = 1_790_000_000_000

function body (id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 1, id, kind: 'core_stale', createdAt: new Date(NOW).toISOString(), summary: 'Core x is stale.', details: {}, service: { receiptsLog: 'ab', chainId: 1, contract: '0x' }, ...extra })
}

describe('alerts: webhook signatures (src/alerts/sign.ts)', () => {
  for (const scheme of ['hmac', 'ed25519'] as const) {
    const signer = createSigner(scheme === 'hmac' ? { hmac: HMAC } : { ed25519Seed: SEED })
    const keys = scheme === 'hmac' ? { secret: HMAC } : { publicKey: ed25519PublicKey(SEED) }

    it(`${scheme}: a signed alert verifies, within the tolerance either side`, () => {
      const b = body('id-1')
      for (const skew of [-299, 0, 299]) {
        const headers = signer.headers('id-1', b, NOW / 1000 + skew)
        const out = verifyAlert({ body: b, headers, ...keys, now: NOW })
        expect(out.ok, `skew ${skew}`).to.equal(true)
      }
    })

    it(`${scheme}: a replayed (old) or future timestamp is refused, as is one edited in the header`, () => {
      const b = body('id-2')
      expect(verifyAlert({ body: b, headers: signer.headers('id-2', b, NOW / 1000 - 301), ...keys, now: NOW })).to.deep.equal({ ok: false, reason: 'TOO_OLD' })
      expect(verifyAlert({ body: b, headers: signer.headers('id-2', b, NOW / 1000 + 3600), ...keys, now: NOW })).to.deep.equal({ ok: false, reason: 'TOO_OLD' })
      const old = signer.headers('id-2', b, NOW / 1000 - 3600)
      // Moving the header's timestamp forward does not help: it is inside the signed bytes.
      expect(verifyAlert({ body: b, headers: { ...old, 'hyperseal-timestamp': String(NOW / 1000) }, ...keys, now: NOW })).to.deep.equal({ ok: false, reason: 'BAD_SIGNATURE' })
      expect(verifyAlert({ body: b, headers: { ...old, 'hyperseal-timestamp': '12e3' }, ...keys, now: NOW })).to.deep.equal({ ok: false, reason: 'BAD_TIMESTAMP' })
    })

    it(`${scheme}: property — any change to the body is refused`, () => {
      const b = body('id-3', { details: { key: 'ab'.repeat(32) } })
      const headers = signer.headers('id-3', b, NOW / 1000)
      fc.assert(fc.property(fc.nat({ max: b.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bytes = Buffer.from(b)
        bytes[at] ^= flip
        expect(verifyAlert({ body: bytes, headers, ...keys, now: NOW }).ok).to.equal(false)
      }), { numRuns: 300 })
    })

    it(`${scheme}: the wrong secret or key, a missing header, a body for another id are refused`, () => {
      const b = body('id-4')
      const headers = signer.headers('id-4', b, NOW / 1000)
      const wrong = scheme === 'hmac' ? { secret: 'g'.repeat(40) } : { publicKey: ed25519PublicKey('22'.repeat(32)) }
      expect(verifyAlert({ body: b, headers, ...wrong, now: NOW })).to.deep.equal({ ok: false, reason: 'BAD_SIGNATURE' })
      expect(verifyAlert({ body: b, headers, now: NOW })).to.deep.equal({ ok: false, reason: 'BAD_SIGNATURE' })
      for (const h of ['hyperseal-alert-id', 'hyperseal-timestamp', 'hyperseal-signature']) {
        const some = { ...headers }
        delete some[h]
        expect(verifyAlert({ body: b, headers: some, ...keys, now: NOW })).to.deep.equal({ ok: false, reason: 'MISSING_HEADER' })
      }
      const other = signer.headers('id-5', b, NOW / 1000)
      expect(verifyAlert({ body: b, headers: other, ...keys, now: NOW })).to.deep.equal({ ok: false, reason: 'BAD_BODY' })
    })
  }

  it('an HMAC signature does not pass as Ed25519, nor the reverse', () => {
    const b = body('id-6')
    const h = createSigner({ hmac: HMAC }).headers('id-6', b, NOW / 1000)
    expect(verifyAlert({ body: b, headers: h, publicKey: ed25519PublicKey(SEED), now: NOW }).ok).to.equal(false)
    const e = createSigner({ ed25519Seed: SEED }).headers('id-6', b, NOW / 1000)
    expect(verifyAlert({ body: b, headers: e, secret: HMAC, now: NOW }).ok).to.equal(false)
  })
})
