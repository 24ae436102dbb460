import { expect } from 'chai'
import fc from 'fast-check'
import * as flat from 'flat-tree'
import sodium from 'sodium-native'
import {
  encodeManifest, encodeMultiSignature, manifestHash, parentNode, rootIndexes, treeHashOf, treeSignable, treeSignableCompat,
  upgradeIndexes, verifyHeadSignature, type Head, type Manifest, type SignerProof, type TreeNode
} from '../../src/seal'
import { bytes32Arb, codeOf, WRITERS, type Writer } from './helpers'
import { hypercoreAccepts } from './hypercore-reference'

function sign (writer: Writer, message: Buffer): Buffer {
  const out = Buffer.alloc(64)
  sodium.crypto_sign_detached(out, message, writer.secretKey)
  return out
}

/** A random tree of `length` blocks: every node by flat-tree index, parents hashed as Hypercore does. */
function treeOf (length: number, seed: number): Map<number, TreeNode> {
  const nodes = new Map<number, TreeNode>()
  const build = (index: number): TreeNode => {
    const known = nodes.get(index)
    if (known !== undefined) return known
    const node = index % 2 === 0
      ? { index, size: (index * 7 + seed) % 100, hash: Buffer.alloc(32, (index + seed) % 251) }
      : parentNode(index, build(flat.leftChild(index)), build(flat.rightChild(index)))
    nodes.set(index, node)
    return node
  }
  for (const root of rootIndexes(length)) build(root)
  return nodes
}

const rootsAt = (tree: Map<number, TreeNode>, length: number): TreeNode[] => rootIndexes(length).map((i) => tree.get(i) as TreeNode)

/** Both verifiers must give the same answer. */
function expectAgreement (head: Head, roots: TreeNode[], what: string): boolean {
  const ours = codeOf(() => verifyHeadSignature(head)) === undefined
  expect(ours, `${what}: ours ${String(ours)}, Hypercore ${String(!ours)}`).to.equal(hypercoreAccepts(head, roots))
  return ours
}

// A proof the generator draws: which signer, and whether it signs the right message.
const proofPlanArb = fc.record({ signer: fc.nat({ max: 4 }), honest: fc.boolean() })

const caseArb = fc.record({
  version: fc.constantFrom(0 as const, 1 as const, 2 as const),
  signerCount: fc.integer({ min: 1, max: 4 }),
  quorumDelta: fc.integer({ min: -4, max: 1 }),
  allowPatch: fc.boolean(),
  compat: fc.boolean(),
  prologue: fc.option(fc.record({ delta: fc.integer({ min: -2, max: 2 }), sameHash: fc.boolean() }), { nil: null }),
  length: fc.integer({ min: 1, max: 700 }),
  fork: fc.nat({ max: 3 }),
  seed: fc.nat({ max: 250 }),
  plans: fc.array(proofPlanArb, { maxLength: 5 }),
  raw: fc.boolean(),
  namespace: bytes32Arb
})

describe('seal: quorum signatures agree with Hypercore\'s verifier', () => {
  it('on random manifests (v0 to v2, 1..4 signers, any quorum, prologues, compat keys) and random signer sets', () => {
    let accepted = 0
    fc.assert(fc.property(caseArb, (k) => {
      const writers = WRITERS.slice(0, k.signerCount)
      const tree = treeOf(k.length, k.seed)
      const roots = rootsAt(tree, k.length)
      const treeHash = treeHashOf(roots)
      const quorum = Math.max(0, k.signerCount + k.quorumDelta)
      const prologue = k.prologue === null || k.version === 0 || k.length + k.prologue.delta < 0
        ? null
        : { hash: k.prologue.sameHash ? treeHash : Buffer.alloc(32, 1), length: k.length + k.prologue.delta }
      const manifest: Manifest = {
        version: k.version,
        allowPatch: k.allowPatch,
        quorum: k.version === 0 && k.signerCount === 1 && !k.allowPatch ? 1 : quorum,
        signers: writers.map((w, i) => ({ namespace: i === 0 ? k.namespace : Buffer.alloc(32, i), publicKey: w.publicKey })),
        prologue,
        linked: null,
        userData: null
      }
      const manifestBytes = encodeManifest(manifest)
      const key = k.compat && writers.length === 1 ? writers[0].publicKey : manifestHash(manifestBytes)
      const ctx = (i: number): Buffer => manifest.version === 0 ? manifest.signers[i].namespace : key
      const message = (i: number, honest: boolean): Buffer => {
        if (key.equals(writers[0].publicKey)) return treeSignableCompat(treeHash, k.length, honest ? k.fork : k.fork + 1)
        return treeSignable(ctx(Math.min(i, writers.length - 1)), treeHash, k.length, honest ? k.fork : k.fork + 1)
      }
      const proofs: SignerProof[] = k.plans.map((p) => ({
        signer: p.signer,
        signature: sign(writers[Math.min(p.signer, writers.length - 1)], message(p.signer, p.honest)),
        patch: 0,
        ...(manifest.version === 0 ? { v0Patch: null } : {})
      }))
      // Raw 64-byte signatures are what compat and single-signer v0 cores store.
      const signature = k.raw && proofs.length > 0
        ? proofs[0].signature
        : encodeMultiSignature({ version: manifest.version === 0 ? 0 : 1, proofs, nodes: [] })
      const head: Head = { key, length: k.length, fork: k.fork, treeHash, signature, manifest: manifestBytes }
      if (expectAgreement(head, roots, JSON.stringify({ ...k, namespace: undefined }))) accepted++
    }), { numRuns: 1000 })
    expect(accepted).to.be.greaterThan(50)
  })

  it('on random patches: a signer of a longer tree counts when the blob\'s nodes grow the head into it', () => {
    const patchArb = fc.record({
      length: fc.integer({ min: 1, max: 1000 }),
      patch: fc.integer({ min: 1, max: 300 }),
      seed: fc.nat({ max: 250 }),
      version: fc.constantFrom(0 as const, 1 as const),
      extraNodes: fc.nat({ max: 3 }),
      shuffle: fc.boolean(),
      damage: fc.option(fc.nat(), { nil: null })
    })
    fc.assert(fc.property(patchArb, (k) => {
      const [a, b] = WRITERS
      const longer = k.length + k.patch
      const tree = treeOf(longer, k.seed)
      const roots = rootsAt(tree, k.length)
      const treeHash = treeHashOf(roots)
      const manifest: Manifest = {
        version: k.version, allowPatch: true, quorum: 2, prologue: null, linked: null, userData: null,
        signers: [{ namespace: Buffer.alloc(32, 1), publicKey: a.publicKey }, { namespace: Buffer.alloc(32, 2), publicKey: b.publicKey }]
      }
      const manifestBytes = encodeManifest(manifest)
      const key = manifestHash(manifestBytes)
      const ctx = (i: number): Buffer => k.version === 0 ? manifest.signers[i].namespace : key
      const upgrade = upgradeIndexes(k.length, longer).map((i) => tree.get(i) as TreeNode)
      // Unrelated nodes ride along as they do when a blob serves several signers.
      const extra = [...tree.values()].filter((n) => !upgrade.includes(n)).slice(0, k.extraNodes)
      let nodes = [...upgrade, ...extra]
      if (k.shuffle) nodes = nodes.reverse()
      if (k.damage !== null && nodes.length > 0) {
        const at = k.damage % nodes.length
        nodes = nodes.map((n, i) => i === at ? { ...n, hash: Buffer.alloc(32, 0xee) } : n)
      }
      const v0Patch = (length: number): object => k.version === 0 ? { v0Patch: length === 0 ? null : { start: k.length, length, nodes: [] } } : {}
      const proofs: SignerProof[] = [
        { signer: 0, signature: sign(a, treeSignable(ctx(0), treeHashOf(rootsAt(tree, longer)), longer, 0)), patch: k.patch, ...v0Patch(k.patch) },
        { signer: 1, signature: sign(b, treeSignable(ctx(1), treeHash, k.length, 0)), patch: 0, ...v0Patch(0) }
      ]
      const signature = encodeMultiSignature({ version: k.version, proofs, nodes })
      const head: Head = { key, length: k.length, fork: 0, treeHash, signature, manifest: manifestBytes, roots }
      const ok = expectAgreement(head, roots, JSON.stringify(k))
      if (k.damage === null) expect(ok, 'an undamaged patch verifies').to.equal(true)
    }), { numRuns: 400 })
  })
})
