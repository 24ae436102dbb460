import { expect } from 'chai'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  decodeManifest, decodeMultiSignature, encodeManifest, encodeMultiSignature, headFromJson, headToJson, manifestHash,
  treeHashOf, verifyHeadSignature, type Head, type HeadJson, type Manifest, type MultiSignature, type TreeNode, type TreeNodeJson
} from '../../src/seal'
import { codeOf, flipByte } from './helpers'
import { hypercoreAccepts } from './hypercore-reference'

interface Vector { name: string, made: string, head: HeadJson, roots: TreeNodeJson[] }

const FIXTURE = join(__dirname, '..', 'fixtures', 'manifest-vectors.json')
const vectors = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { vectors: Vector[] }).vectors

const rootsOf = (v: Vector): TreeNode[] => v.roots.map((r) => ({ index: r.index, size: r.size, hash: Buffer.from(r.hash, 'hex') }))
const vector = (name: string): Vector => {
  const found = vectors.find((v) => v.name === name)
  if (found === undefined) throw new Error(`no vector ${name} in ${FIXTURE}`)
  return found
}

/** Both verifiers on one head: ours (its code, or 'ok') and Hypercore's (true/false). */
function judge (head: Head, roots: readonly TreeNode[]): { ours: string, hypercore: boolean } {
  return { ours: codeOf(() => verifyHeadSignature(head)) ?? 'ok', hypercore: hypercoreAccepts(head, roots) }
}

function quorumBlob (head: Head): { manifest: Manifest, blob: MultiSignature } {
  const manifest = decodeManifest(head.manifest)
  return { manifest, blob: decodeMultiSignature(head.signature, manifest.version === 0 ? 0 : 1) }
}

const withBlob = (head: Head, blob: MultiSignature): Head => ({ ...head, signature: encodeMultiSignature(blob) })

/** A manifest edited, with the key re-derived so that only the edit is judged. */
function rekeyed (head: Head, edit: (m: Manifest) => Manifest): Head {
  const manifest = encodeManifest(edit(decodeManifest(head.manifest)))
  return { ...head, manifest, key: manifestHash(manifest) }
}

const NAMES = [
  'default-single-signer', 'quorum-2-of-3', 'quorum-patch', 'prologue', 'legacy-v0', 'legacy-v0-quorum-patch',
  'compat', 'hyper-multisig', 'autobase-view', 'autobase-system'
]
const QUORUM = ['quorum-2-of-3', 'quorum-patch', 'legacy-v0-quorum-patch', 'hyper-multisig', 'autobase-view', 'autobase-system']

describe('seal: real manifest vectors (test/fixtures/manifest-vectors.json)', () => {
  it('holds every kind of core the task names', () => {
    expect(vectors.map((v) => v.name)).to.have.members(NAMES)
  })

  for (const name of NAMES) {
    it(`${name}: verifies with our code and with Hypercore's, through JSON`, () => {
      const v = vector(name)
      const head = headFromJson(v.head)
      expect(headToJson(head)).to.deep.equal(v.head)
      expect(judge(head, rootsOf(v))).to.deep.equal({ ours: 'ok', hypercore: true })
    })
  }

  for (const name of NAMES) {
    it(`${name}: another tree hash, length, fork or key is refused by both`, () => {
      const v = vector(name)
      const head = headFromJson(v.head)
      const { roots: _roots, ...bare } = head
      const cases: Array<[string, Head]> = [
        ['fork + 1', { ...head, fork: head.fork + 1 }],
        ['key flipped', { ...head, key: flipByte(head.key, 7) }],
        // Without roots (the tree changed, so the old ones no longer fit): the tree itself changed.
        ['length + 1', { ...bare, length: head.length + 1 }],
        ['tree hash flipped', { ...bare, treeHash: flipByte(head.treeHash, 3) }]
      ]
      for (const [what, bad] of cases) {
        const verdict = judge(bad, rootsOf(v))
        expect(verdict.ours, what).to.not.equal('ok')
        expect(verdict.hypercore, what).to.equal(false)
      }
    })
  }

  for (const name of QUORUM) {
    it(`${name}: one forged signer (below quorum), one signer counted twice, a missing or unknown signer are refused by both`, () => {
      const v = vector(name)
      const head = headFromJson(v.head)
      const { manifest, blob } = quorumBlob(head)
      expect(blob.proofs.length).to.be.at.least(manifest.quorum)
      expect(manifest.quorum).to.be.at.least(2)
      const proofs = blob.proofs
      const cases: Array<[string, Head]> = [
        ['forged signature of the first signer', withBlob(head, { ...blob, proofs: [{ ...proofs[0], signature: flipByte(proofs[0].signature, 9) }, ...proofs.slice(1)] })],
        ['forged signature of the second signer', withBlob(head, { ...blob, proofs: [proofs[0], { ...proofs[1], signature: flipByte(proofs[1].signature, 40) }, ...proofs.slice(2)] })],
        ['the first signer counted twice', withBlob(head, { ...blob, proofs: [proofs[0], proofs[0], ...proofs.slice(2)] })],
        ['one signature short of the quorum', withBlob(head, { ...blob, proofs: proofs.slice(0, manifest.quorum - 1) })],
        ['a signer index past the manifest', withBlob(head, { ...blob, proofs: [{ ...proofs[0], signer: manifest.signers.length }, ...proofs.slice(1)] })]
      ]
      for (const [what, bad] of cases) {
        expect(judge(bad, rootsOf(v)), what).to.deep.equal({ ours: 'BAD_SIGNATURE', hypercore: false })
      }
    })
  }

  for (const name of QUORUM) {
    it(`${name}: a signer's namespace or another prologue (rekeyed) is refused by both; unchanged, the edits are KEY_MISMATCH`, () => {
      const v = vector(name)
      const head = headFromJson(v.head)
      const { manifest, blob } = quorumBlob(head)
      const counted = blob.proofs[0].signer // a signer whose signature counts
      const otherNamespace = (m: Manifest): Manifest => ({ ...m, signers: m.signers.map((s, i) => i === counted ? { ...s, namespace: flipByte(s.namespace, 0) } : s) })
      // v1+: the namespace is committed by the key only; v0: it is the signable's context too.
      const renamed = rekeyed(head, otherNamespace)
      expect(judge(renamed, rootsOf(v))).to.deep.equal({ ours: 'BAD_SIGNATURE', hypercore: false })
      expect(codeOf(() => verifyHeadSignature({ ...head, manifest: encodeManifest(otherNamespace(manifest)) }))).to.equal('KEY_MISMATCH')
      if (manifest.version > 0) {
        // A prologue at the head's length with another hash: the head is not that prologue.
        const prologued = rekeyed(head, (m) => ({ ...m, prologue: { hash: flipByte(head.treeHash, 1), length: head.length } }))
        expect(judge(prologued, rootsOf(v))).to.deep.equal({ ours: 'BAD_SIGNATURE', hypercore: false })
      }
    })
  }

  it('prologue: the head at the prologue\'s own length is valid with no signature; below or with another hash it is not', () => {
    const v = vector('prologue')
    const head = headFromJson(v.head)
    const manifest = decodeManifest(head.manifest)
    expect(manifest.prologue?.length).to.equal(4)
    expect(head.length).to.be.greaterThan(4)
    // Same length and tree as the prologue, as a static core's head: no signature is read.
    const roots4 = [{ index: 3, size: 0, hash: Buffer.alloc(32, 7) }]
    const atPrologue = rekeyed({ ...head, length: 4, signature: Buffer.alloc(0) }, (m) => ({ ...m, prologue: { hash: treeHashOf(roots4), length: 4 } }))
    const treeAt4 = { ...atPrologue, treeHash: treeHashOf(roots4) }
    expect(judge(treeAt4, roots4)).to.deep.equal({ ours: 'ok', hypercore: true })
    expect(judge({ ...treeAt4, treeHash: flipByte(treeAt4.treeHash, 0) }, roots4).ours).to.equal('BAD_SIGNATURE')
    const roots3 = [{ index: 1, size: 0, hash: Buffer.alloc(32, 7) }, { index: 4, size: 0, hash: Buffer.alloc(32, 8) }]
    expect(judge({ ...treeAt4, length: 3, treeHash: treeHashOf(roots3) }, roots3)).to.deep.equal({ ours: 'BAD_SIGNATURE', hypercore: false })
  })

  for (const name of ['quorum-patch', 'legacy-v0-quorum-patch', 'autobase-system']) {
    it(`${name}: the patch needs the head's roots, and any change to a patch node or a root is refused`, () => {
      const v = vector(name)
      const head = headFromJson(v.head)
      expect(head.roots, 'the capture kept the roots').to.not.equal(undefined)
      const { blob } = quorumBlob(head)
      expect(blob.proofs.some((p) => p.patch > 0)).to.equal(true)
      const { roots: _roots, ...bare } = head
      expect(codeOf(() => verifyHeadSignature(bare))).to.equal('BAD_SIGNATURE')
      for (let i = 0; i < blob.nodes.length; i++) {
        const nodes = blob.nodes.map((n, j) => j === i ? { ...n, hash: flipByte(n.hash, 5) } : n)
        expect(judge(withBlob(head, { ...blob, nodes }), rootsOf(v)), `patch node ${i}`).to.deep.equal({ ours: 'BAD_SIGNATURE', hypercore: false })
        const sized = blob.nodes.map((n, j) => j === i ? { ...n, size: n.size + 1 } : n)
        expect(judge(withBlob(head, { ...blob, nodes: sized }), rootsOf(v)), `patch node ${i} size`).to.deep.equal({ ours: 'BAD_SIGNATURE', hypercore: false })
      }
      expect(judge(withBlob(head, { ...blob, nodes: blob.nodes.slice(1) }), rootsOf(v))).to.deep.equal({ ours: 'BAD_SIGNATURE', hypercore: false })
      const roots = head.roots as TreeNode[]
      expect(codeOf(() => verifyHeadSignature({ ...head, roots: [{ ...roots[0], hash: flipByte(roots[0].hash, 0) }, ...roots.slice(1)] }))).to.equal('BAD_HEAD')
      expect(codeOf(() => headFromJson({ ...v.head, roots: v.head.roots?.slice(1) }))).to.equal('BAD_HEAD')
    })
  }

  it('compat: the raw signature counts only while the key is the signer\'s public key', () => {
    const v = vector('compat')
    const head = headFromJson(v.head)
    const manifest = decodeManifest(head.manifest)
    expect(head.key.equals(manifest.signers[0].publicKey)).to.equal(true)
    expect(head.signature.byteLength).to.equal(64)
    // The same manifest under its hash key: a v1 core, whose signature must be a blob over another signable.
    expect(judge({ ...head, key: manifestHash(head.manifest) }, rootsOf(v))).to.deep.equal({ ours: 'BAD_SIGNATURE', hypercore: false })
  })

  it('never accepts a single changed byte that Hypercore refuses (any field of any vector)', () => {
    const fields = ['key', 'treeHash', 'signature', 'manifest'] as const
    fc.assert(fc.property(fc.constantFrom(...vectors), fc.constantFrom(...fields), fc.nat(), fc.integer({ min: 1, max: 255 }), (v, field, at, mask) => {
      const head = headFromJson(v.head)
      const bytes = head[field]
      const changed = { ...head, [field]: flipByte(bytes, at % bytes.byteLength, mask) }
      if (field === 'treeHash') delete changed.roots
      const verdict = judge(changed, rootsOf(v))
      if (verdict.ours === 'ok') expect(verdict.hypercore, `${v.name} ${field}[${at % bytes.byteLength}] ^ ${mask}`).to.equal(true)
    }), { numRuns: 1500 })
  })
})
