import { expect } from 'chai'
import fc from 'fast-check'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { standardLeafHash } from '@openzeppelin/merkle-tree/dist/hashes'
import {
  LEAF_ENCODING, batchFromJson, batchToJson, buildBatch, checkReceipt, leafHash, leafOf, type SealInfo
} from '../../src/seal'
import { WRITERS, codeOf, flipByte, headArb, headsArb, signHead } from './helpers'

function sealOf (root: string, leafCount: number): SealInfo {
  return {
    chainId: 31337,
    contract: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
    root,
    leafCount,
    txHash: '0x' + '11'.repeat(32),
    blockNumber: 2,
    blockHash: '0x' + '22'.repeat(32),
    timestamp: 1764000000
  }
}

describe('seal: leaves and batches', () => {
  it('hashes a leaf exactly as StandardMerkleTree does', () => {
    fc.assert(fc.property(headArb, (head) => {
      expect(leafHash(head)).to.equal(standardLeafHash(LEAF_ENCODING, leafOf(head)))
    }), { numRuns: 300 })
  })

  it('builds the StandardMerkleTree root and proofs, by index, for any batch', () => {
    fc.assert(fc.property(headsArb(40), (heads) => {
      const batch = buildBatch(heads)
      const tree = StandardMerkleTree.of(heads.map(leafOf), LEAF_ENCODING)
      expect(batch.root).to.equal(tree.root)
      expect(batch.leafCount).to.equal(heads.length)
      expect(batch.leaves).to.deep.equal(heads.map(leafOf))
      heads.forEach((_, i) => expect(batch.proofFor(i)).to.deep.equal(tree.getProof(i)))
    }), { numRuns: 60 })
  })

  it('makes a provable receipt for every head of a batch', () => {
    fc.assert(fc.property(headsArb(30), (heads) => {
      const batch = buildBatch(heads)
      heads.forEach((head, i) => {
        const check = checkReceipt(batch.receiptFor(i, sealOf(batch.root, batch.leafCount)))
        expect(check.ok, JSON.stringify(check)).to.equal(true)
        if (check.ok) expect(check.leaf).to.equal(leafHash(head))
      })
    }), { numRuns: 40 })
  })

  it('serialises for the journal and rebuilds the same batch', () => {
    fc.assert(fc.property(headsArb(20), (heads) => {
      const batch = buildBatch(heads)
      const json = JSON.parse(JSON.stringify(batchToJson(batch)))
      const again = batchFromJson(json)
      expect(again.root).to.equal(batch.root)
      expect(batchToJson(again)).to.deep.equal(batchToJson(batch))
      heads.forEach((_, i) => expect(again.proofFor(i)).to.deep.equal(batch.proofFor(i)))
    }), { numRuns: 40 })
  })

  it('refuses to rebuild a stored batch that was altered', () => {
    const heads = [0, 1, 2].map((w) => signHead(WRITERS[w], 10 + w, 0, Buffer.alloc(32, w)))
    const json = batchToJson(buildBatch(heads))
    const other = '0x' + '00'.repeat(32)
    expect(codeOf(() => batchFromJson({ ...json, root: other }))).to.equal('BAD_BATCH')
    expect(codeOf(() => batchFromJson({ ...json, heads: json.heads.slice(1) }))).to.equal('BAD_BATCH')
    expect(codeOf(() => batchFromJson({ ...json, heads: [] }))).to.equal('BAD_BATCH')
    expect(codeOf(() => batchFromJson({ ...json, heads: [{ ...json.heads[0], length: 99 }, ...json.heads.slice(1)] }))).to.equal('BAD_BATCH')
    expect(codeOf(() => batchFromJson({ ...json, v: 2 }))).to.equal('BAD_BATCH')
    expect(codeOf(() => batchFromJson({ ...json, extra: true }))).to.equal('BAD_BATCH')
    expect(codeOf(() => batchFromJson({ ...json, root: json.root.toUpperCase() }))).to.equal('BAD_BATCH')
    expect(codeOf(() => batchFromJson(null))).to.equal('BAD_BATCH')
    // Reordering the heads keeps the root (sorted leaves) and is accepted.
    expect(batchFromJson({ ...json, heads: [...json.heads].reverse() }).root).to.equal(json.root)
  })

  it('rejects an empty batch, a repeated head, an unsigned head, a bad index and a foreign seal', () => {
    const a = signHead(WRITERS[0], 5, 0, Buffer.alloc(32, 1))
    const b = signHead(WRITERS[1], 5, 0, Buffer.alloc(32, 1))
    expect(codeOf(() => buildBatch([]))).to.equal('EMPTY_BATCH')
    expect(codeOf(() => buildBatch([a, b, { ...a }]))).to.equal('DUPLICATE_LEAF')
    expect(codeOf(() => buildBatch([a, { ...b, length: 6 }]))).to.equal('BAD_SIGNATURE')
    expect(codeOf(() => buildBatch([a, { ...b, signature: flipByte(b.signature, 10) }]))).to.equal('BAD_SIGNATURE')
    const batch = buildBatch([a, b])
    for (const index of [-1, 2, 0.5, NaN]) expect(codeOf(() => batch.proofFor(index))).to.equal('BAD_INDEX')
    expect(codeOf(() => batch.receiptFor(0, sealOf('0x' + '33'.repeat(32), 2)))).to.equal('SEAL_MISMATCH')
    expect(codeOf(() => batch.receiptFor(0, sealOf(batch.root, 3)))).to.equal('SEAL_MISMATCH')
    expect(codeOf(() => batch.receiptFor(0, { ...sealOf(batch.root, 2), txHash: '0x12' }))).to.equal('BAD_RECEIPT')
  })

  it('gives a one-head batch the leaf as root and an empty proof', () => {
    const head = signHead(WRITERS[2], 1, 0, Buffer.alloc(32, 9))
    const batch = buildBatch([head])
    expect(batch.root).to.equal(leafHash(head))
    expect(batch.proofFor(0)).to.deep.equal([])
  })

  // Its speed is bench/seal-pass.ts's to measure; here, that every proof of a large batch holds.
  it('builds a batch of 10,000 heads with a proof for every one', function () {
    this.timeout(60_000)
    const heads = Array.from({ length: 10_000 }, (_, i) => {
      const treeHash = Buffer.alloc(32, 0xab)
      treeHash.writeUInt32BE(i)
      return signHead(WRITERS[i % WRITERS.length], i + 1, i % 3, treeHash)
    })
    const batch = buildBatch(heads)
    const proofs = heads.map((_, i) => batch.proofFor(i))
    expect(proofs.every((p) => p.length === 13 || p.length === 14)).to.equal(true)
    for (const i of [0, 4321, 9999]) {
      expect(checkReceipt(batch.receiptFor(i, sealOf(batch.root, batch.leafCount))).ok).to.equal(true)
    }
  })
})
