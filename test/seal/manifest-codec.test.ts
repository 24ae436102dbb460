import { expect } from 'chai'
import c from 'compact-encoding'
import fc from 'fast-check'
import {
  decodeManifest, decodeMultiSignature, encodeManifest, encodeMultiSignature, type Manifest, type MultiSignature
} from '../../src/seal'
import { bytes32Arb, codeOf, uintArb } from './helpers'

// Hypercore's own encodings, to check ours byte for byte (test-only: src/seal never imports hypercore).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const messages = require('hypercore/lib/messages') as Record<'manifest' | 'multiSignature' | 'multiSignaturev0', c.Encoder<unknown>>

const signerArb = fc.record({ namespace: bytes32Arb, publicKey: bytes32Arb })
const smallArb = fc.nat({ max: 6 })
const bytesArb = (max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b))

const v1Arb: fc.Arbitrary<Manifest> = fc.record({
  version: fc.constantFrom(1 as const, 2 as const, 3 as const),
  allowPatch: fc.boolean(),
  quorum: fc.oneof(smallArb, uintArb),
  signers: fc.array(signerArb, { maxLength: 5 }),
  prologue: fc.option(fc.record({ hash: bytes32Arb, length: uintArb }), { nil: null }),
  linked: fc.option(fc.array(bytes32Arb, { maxLength: 3 }), { nil: null }),
  userData: fc.option(bytesArb(40), { nil: null })
})

const V0_BASE = { version: 0 as const, prologue: null, linked: null, userData: null }
const v0Arb: fc.Arbitrary<Manifest> = fc.oneof(
  bytes32Arb.map((hash) => ({ ...V0_BASE, allowPatch: false, quorum: 0, signers: [], prologue: { hash, length: 0 } })),
  signerArb.map((signer) => ({ ...V0_BASE, allowPatch: false, quorum: 1, signers: [signer] })),
  fc.record({ allowPatch: fc.boolean(), quorum: fc.oneof(smallArb, uintArb), signers: fc.array(signerArb, { maxLength: 5 }) })
    // Hypercore writes that one as the single-signer type.
    .filter((m) => !(m.quorum === 1 && m.signers.length === 1 && !m.allowPatch))
    .map((m) => ({ ...V0_BASE, ...m }))
)
const manifestArb = fc.oneof(v1Arb, v0Arb)

/** Our manifest as Hypercore's encoder takes it (it names the hash and signature algorithms). */
function hypercoreForm (m: Manifest): unknown {
  return { ...m, hash: 'blake2b', signers: m.signers.map((s) => ({ signature: 'ed25519', ...s })) }
}

const nodeArb = fc.record({ index: uintArb, size: uintArb, hash: bytes32Arb })
const signatureArb = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Buffer.from(b))
const v1SigArb: fc.Arbitrary<MultiSignature> = fc.record({
  version: fc.constant(1 as const),
  proofs: fc.array(fc.record({ signer: fc.oneof(smallArb, uintArb), signature: signatureArb, patch: fc.oneof(smallArb, uintArb) }), { maxLength: 4 }),
  nodes: fc.array(nodeArb, { maxLength: 4 })
})
const v0SigArb: fc.Arbitrary<MultiSignature> = fc.record({
  version: fc.constant(0 as const),
  proofs: fc.array(fc.record({
    signer: smallArb,
    signature: signatureArb,
    v0Patch: fc.option(fc.record({ start: uintArb, length: uintArb, nodes: fc.array(smallArb, { maxLength: 4 }) }), { nil: null })
  }).map((p) => ({ ...p, patch: p.v0Patch === null ? 0 : p.v0Patch.length })), { maxLength: 4 }),
  nodes: fc.array(nodeArb, { maxLength: 4 })
})
const multiSigArb = fc.oneof(v1SigArb, v0SigArb)

function hypercoreSigForm (s: MultiSignature): unknown {
  const proofs = s.proofs.map((p) => ({ signer: p.signer, signature: p.signature, patch: s.version === 0 ? p.v0Patch : p.patch }))
  return { proofs, patch: s.nodes }
}

/** Every strict prefix and one trailing byte: all refused with `code`. */
function expectCutsRefused (bytes: Buffer, decode: (b: Buffer) => unknown, code: string): void {
  for (let k = 0; k < bytes.byteLength; k++) expect(codeOf(() => decode(bytes.subarray(0, k))), `prefix of ${k} bytes`).to.equal(code)
  expect(codeOf(() => decode(Buffer.concat([bytes, Buffer.from([0])]))), 'a trailing byte').to.equal(code)
}

describe('seal: manifest encoding (hypercore 11 lib/messages.js manifest)', () => {
  it('round-trips every manifest, byte for byte as Hypercore encodes and decodes it', () => {
    fc.assert(fc.property(manifestArb, (m) => {
      const bytes = encodeManifest(m)
      expect(bytes.toString('hex')).to.equal(Buffer.from(c.encode(messages.manifest, hypercoreForm(m))).toString('hex'))
      expect(decodeManifest(bytes)).to.deep.equal(m)
      expect(c.decode(messages.manifest, bytes)).to.deep.equal(hypercoreForm(m))
    }), { numRuns: 200 })
  })

  it('refuses every truncation and a trailing byte with BAD_MANIFEST', () => {
    fc.assert(fc.property(manifestArb, (m) => expectCutsRefused(encodeManifest(m), decodeManifest, 'BAD_MANIFEST')), { numRuns: 40 })
  })

  it('refuses unknown versions, flags, hash and signature ids, and non-canonical numbers', () => {
    fc.assert(fc.property(v1Arb.filter((m) => m.signers.length > 0), fc.integer({ min: 4, max: 0xfc }), fc.integer({ min: 4, max: 6 }), (m, version, bit) => {
      const bytes = encodeManifest(m)
      const set = (at: number, value: number): Buffer => { const b = Buffer.from(bytes); b[at] = value; return b }
      expect(codeOf(() => decodeManifest(set(0, version)))).to.equal('BAD_MANIFEST')
      expect(codeOf(() => decodeManifest(set(1, bytes[1] | (1 << bit))))).to.equal('BAD_MANIFEST')
      expect(codeOf(() => decodeManifest(set(2, 1)))).to.equal('BAD_MANIFEST') // hash id 1
      const uintBytes = (n: number): number => c.encode(c.uint, n).byteLength
      const signerAt = 3 + uintBytes(m.quorum) + uintBytes(m.signers.length) // version, flags, hash id, quorum, count
      expect(codeOf(() => decodeManifest(set(signerAt, 1)))).to.equal('BAD_MANIFEST') // signature id 1
      // version 1 written as 0xfd 0x01 0x00: the same number, not Hypercore's encoding
      const long = Buffer.concat([Buffer.from([0xfd, bytes[0], 0]), bytes.subarray(1)])
      expect(codeOf(() => decodeManifest(long))).to.equal('BAD_MANIFEST')
    }), { numRuns: 200 })
  })

  it('on random bytes either decodes to what Hypercore decodes, or refuses with BAD_MANIFEST', () => {
    const nearManifest = fc.oneof(bytesArb(120), manifestArb.chain((m) => fc.tuple(fc.constant(encodeManifest(m)), fc.nat(), fc.nat({ max: 255 }))
      .map(([b, at, v]) => { const out = Buffer.from(b); out[at % out.byteLength] = v; return out })))
    let accepted = 0
    fc.assert(fc.property(nearManifest, (bytes) => {
      let ours: Manifest
      try {
        ours = decodeManifest(bytes)
      } catch (err) {
        expect(codeOf(() => { throw err })).to.equal('BAD_MANIFEST')
        return
      }
      accepted++
      expect(c.decode(messages.manifest, bytes)).to.deep.equal(hypercoreForm(ours))
    }), { numRuns: 2000 })
    expect(accepted).to.be.greaterThan(0)
  })
})

describe('seal: quorum signature encoding (hypercore 11 lib/messages.js multiSignature, multiSignaturev0)', () => {
  it('round-trips every blob, byte for byte as Hypercore assembles it', () => {
    fc.assert(fc.property(multiSigArb, (s) => {
      const bytes = encodeMultiSignature(s)
      const theirs = s.version === 0 ? messages.multiSignaturev0 : messages.multiSignature
      expect(bytes.toString('hex')).to.equal(Buffer.from(c.encode(theirs, hypercoreSigForm(s))).toString('hex'))
      expect(decodeMultiSignature(bytes, s.version)).to.deep.equal(s)
    }), { numRuns: 200 })
  })

  it('refuses every truncation and a trailing byte with BAD_SIGNATURE', () => {
    fc.assert(fc.property(multiSigArb, (s) => expectCutsRefused(encodeMultiSignature(s), (b) => decodeMultiSignature(b, s.version), 'BAD_SIGNATURE')), { numRuns: 40 })
  })

  it('refuses unknown v0 proof flags and non-canonical numbers', () => {
    fc.assert(fc.property(v0SigArb.filter((s) => s.proofs.length > 0), fc.integer({ min: 2, max: 0xfc }), (s, flags) => {
      const bytes = encodeMultiSignature(s)
      const b = Buffer.from(bytes)
      b[1] = flags // the first proof's flags
      expect(codeOf(() => decodeMultiSignature(b, 0))).to.equal('BAD_SIGNATURE')
      const long = Buffer.concat([Buffer.from([0xfd, bytes[0], 0]), bytes.subarray(1)])
      expect(codeOf(() => decodeMultiSignature(long, 0))).to.equal('BAD_SIGNATURE')
    }), { numRuns: 100 })
  })

  it('reads a single writer\'s 68-byte blob by its layout exactly as Hypercore\'s messages decode it', () => {
    // Any 68 bytes, and 68 bytes in the single-writer pattern with any signature: the fast path
    // answers only the pattern, and its value is the general decoder's (Hypercore's) for them.
    const single = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((sig) => Buffer.concat([Buffer.from([1, 0]), sig, Buffer.from([0, 0])]))
    const near = fc.tuple(single, fc.nat({ max: 67 }), fc.integer({ min: 1, max: 255 })).map(([b, i, x]) => { const o = Buffer.from(b); o[i] ^= x; return o })
    fc.assert(fc.property(fc.oneof(single, near, fc.uint8Array({ minLength: 68, maxLength: 68 }).map((b) => Buffer.from(b))), (bytes) => {
      let theirs: unknown
      try {
        theirs = c.decode(messages.multiSignature, bytes)
      } catch {
        theirs = null
      }
      let ours: MultiSignature | null
      try {
        ours = decodeMultiSignature(bytes, 1)
      } catch (err) {
        expect(codeOf(() => { throw err })).to.equal('BAD_SIGNATURE')
        ours = null
      }
      if (ours === null) return
      expect(theirs).to.not.equal(null)
      expect(Buffer.from(c.encode(messages.multiSignature, hypercoreSigForm(ours))).equals(bytes)).to.equal(true)
      expect(ours.proofs.every((p) => Buffer.isBuffer(p.signature) && p.signature.byteLength === 64)).to.equal(true)
      if (bytes[0] === 1 && bytes[1] === 0 && bytes[66] === 0 && bytes[67] === 0) {
        expect(ours).to.deep.equal({ version: 1, proofs: [{ signer: 0, signature: Buffer.from(bytes.subarray(2, 66)), patch: 0 }], nodes: [] })
      }
    }), { numRuns: 1000 })
  })

  it('on random bytes never throws anything but BAD_SIGNATURE', () => {
    fc.assert(fc.property(bytesArb(300), fc.constantFrom(0 as const, 1 as const), (bytes, version) => {
      try {
        const s = decodeMultiSignature(bytes, version)
        expect(encodeMultiSignature(s).equals(bytes)).to.equal(true)
      } catch (err) {
        expect(codeOf(() => { throw err })).to.equal('BAD_SIGNATURE')
      }
    }), { numRuns: 2000 })
  })
})
