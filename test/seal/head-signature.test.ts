import { expect } from 'chai'
import fc from 'fast-check'
import { decodeManifest, headFromJson, headToJson, verifyHeadSignature, verifyNewHeadSignature, type Head } from '../../src/seal'
import { codeOf, flipByte as flip, headArb, signHead, uintArb, writerFromKeyPair } from './helpers'
import { appendBlocks, captureHead, openTempStore, type TempStore } from '../support/seal-real-core'

describe('seal: head signatures from a real Hypercore', () => {
  let store: TempStore
  let head: Head
  let truncated: Head
  let publicKey: Buffer
  let secretKey: Buffer

  before(async () => {
    store = await openTempStore()
    const core = await store.core('writer')
    await appendBlocks(core, 10)
    head = await captureHead(core)
    publicKey = Buffer.from(core.manifest.signers[0].publicKey)
    secretKey = Buffer.from(core.keyPair.secretKey)
    await core.truncate(7)
    await appendBlocks(core, 2, 'after-truncate')
    truncated = await captureHead(core)
  })
  after(async () => { await store.close() })

  it('verifies a captured head and exposes its writer key', () => {
    expect(head.length).to.equal(10)
    expect(head.fork).to.equal(0)
    expect(head.signature.byteLength).to.equal(68)
    expect(() => verifyHeadSignature(head)).not.to.throw()
    expect(decodeManifest(head.manifest).signers[0].publicKey.equals(publicKey)).to.equal(true)
    expect(head.key.equals(publicKey)).to.equal(false)
  })

  it('verifies a head after a truncate (fork 1)', () => {
    expect(truncated.fork).to.equal(1)
    expect(truncated.length).to.equal(9)
    expect(() => verifyHeadSignature(truncated)).not.to.throw()
  })

  it('refuses the raw 64-byte signature of a v1 core, as Hypercore does (it reads only the multisig blob)', () => {
    const raw = head.signature.subarray(2, 66)
    expect(codeOf(() => verifyHeadSignature({ ...head, signature: Buffer.from(raw) }))).to.equal('BAD_SIGNATURE')
  })

  it('rejects a head whose signed fields were changed', () => {
    expect(codeOf(() => verifyHeadSignature({ ...head, length: 9 }))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => verifyHeadSignature({ ...head, length: 11 }))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => verifyHeadSignature({ ...head, fork: 1 }))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => verifyHeadSignature({ ...head, treeHash: flip(head.treeHash, 5) }))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => verifyHeadSignature({ ...head, treeHash: truncated.treeHash }))).to.equal('BAD_SIGNATURE')
    // The signature of one head does not carry over to another head of the same core.
    expect(codeOf(() => verifyHeadSignature({ ...truncated, signature: head.signature }))).to.equal('BAD_SIGNATURE')
  })

  it('rejects a changed signature byte, and a malformed multisig blob', () => {
    for (const at of [2, 30, 65]) {
      expect(codeOf(() => verifyHeadSignature({ ...head, signature: flip(head.signature, at) }))).to.equal('BAD_SIGNATURE')
    }
    expect(codeOf(() => verifyHeadSignature({ ...head, signature: flip(head.signature, 0) }))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => verifyHeadSignature({ ...head, signature: flip(head.signature, 1) }))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => verifyHeadSignature({ ...head, signature: flip(head.signature, 66) }))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => verifyHeadSignature({ ...head, signature: head.signature.subarray(0, 67) }))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => verifyHeadSignature({ ...head, signature: Buffer.concat([head.signature, Buffer.from([0])]) }))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => verifyHeadSignature({ ...head, signature: Buffer.alloc(0) }))).to.equal('BAD_SIGNATURE')
  })

  it('verifies a signed head of any safe length and fork, and none with another length or fork (the signable as Hypercore writes it)', () => {
    fc.assert(fc.property(headArb, uintArb, fc.boolean(), (signed, other, which) => {
      verifyNewHeadSignature(signed)
      const changed: Head = which ? { ...signed, length: other } : { ...signed, fork: other }
      if (changed.length === signed.length && changed.fork === signed.fork) return
      expect(codeOf(() => { verifyNewHeadSignature(changed) })).to.equal('BAD_SIGNATURE')
    }), { numRuns: 150 })
  })

  it('rejects a key that is not the manifest hash', () => {
    expect(codeOf(() => verifyHeadSignature({ ...head, key: flip(head.key, 0) }))).to.equal('KEY_MISMATCH')
    // key = the signer's public key makes it a compat core, whose signature is a raw compat one.
    expect(codeOf(() => verifyHeadSignature({ ...head, key: publicKey }))).to.equal('BAD_SIGNATURE')
  })

  it('rejects manifests that do not decode, and valid manifests of other cores', () => {
    // version (1 -> 0: a v0 static manifest with trailing bytes), hash id, signer count, signature type
    for (const at of [0, 2, 4, 5]) {
      expect(codeOf(() => verifyHeadSignature({ ...head, manifest: flip(head.manifest, at) }))).to.equal('BAD_MANIFEST')
    }
    // flags (allowPatch) and quorum (0): valid manifests, of another key
    for (const at of [1, 3]) {
      expect(codeOf(() => verifyHeadSignature({ ...head, manifest: flip(head.manifest, at) }))).to.equal('KEY_MISMATCH')
    }
    expect(codeOf(() => verifyHeadSignature({ ...head, manifest: head.manifest.subarray(0, 69) }))).to.equal('BAD_MANIFEST')
    expect(codeOf(() => verifyHeadSignature({ ...head, manifest: Buffer.concat([head.manifest, Buffer.from([0])]) }))).to.equal('BAD_MANIFEST')
    // A valid manifest of another writer: decodes, but does not hash to the key.
    expect(codeOf(() => verifyHeadSignature({ ...head, manifest: flip(head.manifest, 40) }))).to.equal('KEY_MISMATCH')
  })

  it('rejects malformed in-memory heads', () => {
    expect(codeOf(() => verifyHeadSignature({ ...head, length: -1 }))).to.equal('BAD_HEAD')
    expect(codeOf(() => verifyHeadSignature({ ...head, fork: 1.5 }))).to.equal('BAD_HEAD')
    expect(codeOf(() => verifyHeadSignature({ ...head, key: head.key.subarray(1) }))).to.equal('BAD_HEAD')
  })

  it('has a test signer that makes byte-identical heads to Hypercore', () => {
    // Ed25519 is deterministic, so the same key pair must give the same manifest, key and blob.
    const writer = writerFromKeyPair(publicKey, secretKey)
    for (const real of [head, truncated]) {
      const made = signHead(writer, real.length, real.fork, real.treeHash)
      expect(made.manifest.toString('hex')).to.equal(real.manifest.toString('hex'))
      expect(made.key.toString('hex')).to.equal(real.key.toString('hex'))
      expect(made.signature.toString('hex')).to.equal(real.signature.toString('hex'))
    }
  })

  it('round-trips through JSON and verifies after', () => {
    const json = headToJson(head)
    expect(json.key).to.match(/^[0-9a-f]{64}$/)
    const back = headFromJson(JSON.parse(JSON.stringify(json)))
    expect(headToJson(back)).to.deep.equal(json)
    expect(() => verifyHeadSignature(back)).not.to.throw()
  })

  it('rejects malformed head JSON with BAD_HEAD', () => {
    const json = headToJson(head) as unknown as Record<string, unknown>
    const cases: unknown[] = [
      null, [], 'x',
      { ...json, key: json.key + '00' },
      { ...json, key: (json.key as string).toUpperCase() },
      { ...json, key: '0x' + (json.key as string).slice(2) },
      { ...json, treeHash: 'zz' + (json.treeHash as string).slice(2) },
      { ...json, length: -1 }, { ...json, length: 1.5 }, { ...json, length: '10' },
      { ...json, length: 2 ** 53 }, { ...json, fork: null },
      { ...json, signature: 'abc' }, { ...json, signature: '' }, { ...json, manifest: 12 },
      { ...json, extra: 1 },
      Object.fromEntries(Object.entries(json).filter(([k]) => k !== 'manifest'))
    ]
    for (const c of cases) expect(codeOf(() => headFromJson(c)), JSON.stringify(c)).to.equal('BAD_HEAD')
  })
})
