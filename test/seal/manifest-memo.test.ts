/**
 * The memo of decoded manifests (src/seal head-signature.ts) and the uncached check the report's
 * workers use (verifyNewHeadSignature): a warm memo must never make a bad head pass, and both
 * checks give the same answer for every head.
 */
import { expect } from 'chai'
import fc from 'fast-check'
import { manifestOfKey, verifyHeadSignature, verifyNewHeadSignature, type Head } from '../../src/seal'
import { codeOf, flipByte, makeWriter, signHead, WRITERS } from './helpers'

const treeHash = Buffer.alloc(32, 7)

/** A head with one byte of one field changed, or another writer's manifest or signature put in. */
const mutation = fc.record({
  w: fc.nat({ max: WRITERS.length - 1 }),
  other: fc.nat({ max: WRITERS.length - 1 }),
  field: fc.constantFrom('manifest', 'signature', 'key', 'treeHash', 'otherManifest', 'otherSignature'),
  at: fc.nat(),
  mask: fc.integer({ min: 1, max: 255 })
})

function mutate (m: { w: number, other: number, field: string, at: number, mask: number }): { good: Head, bad: Head } {
  const good = signHead(WRITERS[m.w], 5, 0, treeHash)
  const other = signHead(WRITERS[m.other], 5, 0, treeHash)
  const flip = (b: Buffer): Buffer => flipByte(b, m.at % b.byteLength, m.mask)
  switch (m.field) {
    case 'manifest': return { good, bad: { ...good, manifest: flip(good.manifest) } }
    case 'signature': return { good, bad: { ...good, signature: flip(good.signature) } }
    case 'key': return { good, bad: { ...good, key: flip(good.key) } }
    case 'treeHash': return { good, bad: { ...good, treeHash: flip(good.treeHash) } }
    case 'otherManifest': return { good, bad: { ...good, manifest: other.manifest } }
    default: return { good, bad: { ...good, signature: other.signature } }
  }
}

describe('seal: the manifest memo and the uncached head check', () => {
  it('never lets a changed head pass once its core\'s manifest is in the memo, and both checks agree', () => {
    fc.assert(fc.property(mutation, (m) => {
      const { good, bad } = mutate(m)
      // Warm: the good head's manifest (and the other writer's) are decoded and kept.
      expect(() => { verifyNewHeadSignature(good) }).not.to.throw()
      expect(() => { verifyNewHeadSignature(signHead(WRITERS[m.other], 1, 0, treeHash)) }).not.to.throw()
      const same = m.w === m.other && (m.field === 'otherManifest' || m.field === 'otherSignature')
      const fresh = codeOf(() => { verifyNewHeadSignature(bad) })
      if (!same) expect(fresh).to.be.oneOf(['BAD_MANIFEST', 'KEY_MISMATCH', 'BAD_SIGNATURE'])
      expect(codeOf(() => { verifyNewHeadSignature(bad) })).to.equal(fresh)
      expect(codeOf(() => { verifyHeadSignature(bad) })).to.equal(fresh)
    }), { numRuns: 300 })
  })

  it('asks for every head whether the manifest is its key\'s: a kept manifest does not pass for another key', () => {
    const [a, b] = WRITERS
    expect(() => manifestOfKey(a.key, a.manifest)).not.to.throw()
    expect(() => manifestOfKey(b.key, b.manifest)).not.to.throw()
    expect(codeOf(() => manifestOfKey(b.key, a.manifest))).to.equal('KEY_MISMATCH')
    expect(codeOf(() => manifestOfKey(a.key, b.manifest))).to.equal('KEY_MISMATCH')
  })

  it('hands out a frozen manifest: a caller cannot change what the next head of the core is checked with', () => {
    const w = WRITERS[0]
    const kept = manifestOfKey(w.key, w.manifest)
    expect(() => { (kept as { quorum: number }).quorum = 0 }).to.throw(TypeError)
    expect(() => { kept.signers.push(kept.signers[0]) }).to.throw(TypeError)
    expect(() => { (kept.signers[0] as { publicKey: Buffer }).publicKey = WRITERS[1].key }).to.throw(TypeError)
    expect(() => { verifyNewHeadSignature(signHead(w, 3, 0, treeHash)) }).not.to.throw()
  })

  it('keeps its own copy: changing a checked head\'s manifest bytes in place changes no later answer', () => {
    const w = makeWriter() // a manifest the memo has not seen
    const head = signHead(w, 4, 0, treeHash)
    head.manifest = Buffer.from(w.manifest)
    expect(() => { verifyNewHeadSignature(head) }).not.to.throw()
    // Every byte of the signer's public key and namespace changed where the caller holds them.
    for (let i = 0; i < head.manifest.byteLength; i++) head.manifest[i] ^= 0xff
    expect(codeOf(() => { verifyNewHeadSignature(head) })).to.be.oneOf(['BAD_MANIFEST', 'KEY_MISMATCH'])
    expect(() => { verifyNewHeadSignature(signHead(w, 5, 0, treeHash)) }).not.to.throw()
    expect(manifestOfKey(w.key, w.manifest).signers[0].publicKey.equals(manifestOfKey(w.key, Buffer.from(w.manifest)).signers[0].publicKey)).to.equal(true)
  })

  it('stays right past its bound (older manifests forgotten, then decoded again)', () => {
    const first = WRITERS[0]
    expect(() => { verifyNewHeadSignature(signHead(first, 2, 0, treeHash)) }).not.to.throw()
    const many = Array.from({ length: 1100 }, () => makeWriter())
    for (const w of many) expect(() => { verifyNewHeadSignature(signHead(w, 1, 0, treeHash)) }).not.to.throw()
    expect(() => { verifyNewHeadSignature(signHead(first, 2, 0, treeHash)) }).not.to.throw()
    expect(codeOf(() => { verifyNewHeadSignature({ ...signHead(first, 2, 0, treeHash), manifest: many[0].manifest }) })).to.equal('KEY_MISMATCH')
    expect(codeOf(() => { verifyNewHeadSignature({ ...signHead(many[1099], 2, 0, treeHash), signature: signHead(first, 2, 0, treeHash).signature }) })).to.equal('BAD_SIGNATURE')
  })
})
