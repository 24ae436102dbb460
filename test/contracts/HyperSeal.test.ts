import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers'
import { expect } from 'chai'
import { AbiCoder, keccak256 } from 'ethers'
import fc from 'fast-check'
import {
  LEAF_TYPES, UINT64_MAX, buildTree, deployHyperSealFixture, flipByte, mutateField,
  randomBytes32, randomLeaf, sealRoot, verifyHead, type LeafValue
} from './helpers'

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => '0x' + Buffer.from(b).toString('hex'))
const uint64 = fc.bigInt({ min: 0n, max: UINT64_MAX })
const leafArb = fc.tuple(bytes32, uint64, uint64, bytes32).map((t): LeafValue => t)

describe('HyperSeal: seal and verifyHead', () => {
  describe('seal', () => {
    it('emits Sealed with the root, a sequence from 1, the leaf count and the sealer', async () => {
      const { hs, sealer, bySealer } = await loadFixture(deployHyperSealFixture)
      const [a, b] = [randomBytes32(), randomBytes32()]
      await expect(bySealer.seal(a, 3)).to.emit(hs, 'Sealed').withArgs(a, 1n, 3n, sealer.address)
      await expect(bySealer.seal(b, 4_294_967_295)).to.emit(hs, 'Sealed').withArgs(b, 2n, 4_294_967_295n, sealer.address)
      expect(await hs.sealCount()).to.equal(2n)
    })

    it('rejects a root sealed before, keeping its first seal', async () => {
      const { hs, bySealer } = await loadFixture(deployHyperSealFixture)
      const root = randomBytes32()
      const first = await sealRoot(bySealer, root, 2)
      await time.increase(100)
      await expect(bySealer.seal(root, 2)).to.be.revertedWithCustomError(hs, 'HyperSealAlreadySealed').withArgs(root)
      await expect(bySealer.seal(root, 9)).to.be.revertedWithCustomError(hs, 'HyperSealAlreadySealed').withArgs(root)
      const [timestamp, blockNumber] = await hs.sealedAt(root)
      expect([timestamp, blockNumber]).to.deep.equal([first.timestamp, first.blockNumber])
      expect(await hs.sealCount()).to.equal(1n)
    })

    it('rejects an empty batch', async () => {
      const { hs, bySealer } = await loadFixture(deployHyperSealFixture)
      const root = randomBytes32()
      await expect(bySealer.seal(root, 0)).to.be.revertedWithCustomError(hs, 'HyperSealEmptyBatch').withArgs()
      const [timestamp] = await hs.sealedAt(root)
      expect(timestamp).to.equal(0n)
      expect(await hs.sealCount()).to.equal(0n)
    })

    it('answers sealedAt with (0, 0) for an unknown root and the block time and number of a sealed one', async () => {
      const { hs, bySealer } = await loadFixture(deployHyperSealFixture)
      const unknown = await hs.sealedAt(randomBytes32())
      expect([unknown[0], unknown[1]]).to.deep.equal([0n, 0n])

      const roots = [randomBytes32(), randomBytes32()]
      const seals = []
      for (const root of roots) {
        seals.push(await sealRoot(bySealer, root, 1))
        await time.increase(3600)
      }
      expect(seals[1].timestamp - seals[0].timestamp).to.be.gte(3600n)
      for (const [i, root] of roots.entries()) {
        const [timestamp, blockNumber] = await hs.sealedAt(root)
        expect([timestamp, blockNumber]).to.deep.equal([seals[i].timestamp, seals[i].blockNumber])
      }
    })
  })

  describe('verifyHead', () => {
    for (const size of [1, 2, 3, 1000]) {
      it(`proves heads of a sealed ${size}-leaf StandardMerkleTree and answers the seal time`, async () => {
        const { hs, bySealer } = await loadFixture(deployHyperSealFixture)
        const values = Array.from({ length: size }, randomLeaf)
        const tree = buildTree(values)
        // Seal another root first so a wrong timestamp (not this root's) cannot pass.
        await sealRoot(bySealer, randomBytes32(), 1)
        await time.increase(1000)
        const { timestamp } = await sealRoot(bySealer, tree.root, size)

        // 20 leaves spread from the first to the last (every leaf of the small trees).
        const sample = size <= 20 ? values.keys() : Array.from({ length: 20 }, (_, k) => Math.round(k * (size - 1) / 19))
        for (const i of sample) {
          expect(await verifyHead(hs, tree.root, tree.getProof(i), values[i])).to.equal(timestamp)
        }
      })
    }

    it('answers 0 when any field of the head changes', async () => {
      const { hs, bySealer } = await loadFixture(deployHyperSealFixture)
      const values = Array.from({ length: 3 }, randomLeaf)
      const tree = buildTree(values)
      await sealRoot(bySealer, tree.root, 3)
      for (const [i, leaf] of values.entries()) {
        const proof = tree.getProof(i)
        for (const field of [0, 1, 2, 3]) {
          expect(await verifyHead(hs, tree.root, proof, mutateField(leaf, field)), `leaf ${i} field ${field}`).to.equal(0n)
        }
      }
    })

    it('answers 0 when the proof is changed, shortened, lengthened or emptied', async () => {
      const { hs, bySealer } = await loadFixture(deployHyperSealFixture)
      const values = Array.from({ length: 100 }, randomLeaf)
      const tree = buildTree(values)
      await sealRoot(bySealer, tree.root, 100)
      const proof = tree.getProof(42)
      expect(await verifyHead(hs, tree.root, proof, values[42])).to.not.equal(0n)
      for (const at of proof.keys()) {
        for (const byte of [0, 31]) {
          const changed = proof.map((p, k) => k === at ? flipByte(p, byte) : p)
          expect(await verifyHead(hs, tree.root, changed, values[42]), `element ${at} byte ${byte}`).to.equal(0n)
        }
      }
      expect(await verifyHead(hs, tree.root, proof.slice(0, -1), values[42])).to.equal(0n)
      expect(await verifyHead(hs, tree.root, [...proof, randomBytes32()], values[42])).to.equal(0n)
      expect(await verifyHead(hs, tree.root, [], values[42])).to.equal(0n)
    })

    it('answers 0 for a proof of another sealed root and for a root never sealed', async () => {
      const { hs, bySealer } = await loadFixture(deployHyperSealFixture)
      const a = buildTree(Array.from({ length: 8 }, randomLeaf))
      const b = buildTree(Array.from({ length: 8 }, randomLeaf))
      const unsealed = buildTree(Array.from({ length: 8 }, randomLeaf))
      await sealRoot(bySealer, a.root, 8)
      await sealRoot(bySealer, b.root, 8)
      for (let i = 0; i < 8; i++) {
        expect(await verifyHead(hs, b.root, a.getProof(i), a.at(i) as LeafValue)).to.equal(0n)
        expect(await verifyHead(hs, a.root, b.getProof(i), b.at(i) as LeafValue)).to.equal(0n)
        expect(await verifyHead(hs, unsealed.root, unsealed.getProof(i), unsealed.at(i) as LeafValue)).to.equal(0n)
      }
    })

    it('hashes a leaf as StandardMerkleTree.leafHash and the documented formula do (property)', async () => {
      const { hs, bySealer } = await loadFixture(deployHyperSealFixture)
      const coder = AbiCoder.defaultAbiCoder()
      await fc.assert(fc.asyncProperty(leafArb, async (leaf) => {
        const tree = buildTree([leaf])
        const leafHash = tree.leafHash(leaf)
        expect(keccak256(keccak256(coder.encode(LEAF_TYPES, leaf)))).to.equal(leafHash)
        // A one-leaf tree's root is its leaf hash, so an empty proof checks the contract's hash.
        expect(tree.root).to.equal(leafHash)
        const [sealedTime] = await hs.sealedAt(leafHash)
        const timestamp = sealedTime !== 0n ? sealedTime as bigint : (await sealRoot(bySealer, leafHash, 1)).timestamp
        expect(await verifyHead(hs, leafHash, [], leaf)).to.equal(timestamp)
      }), { numRuns: 50 })
    })

    it('proves every leaf of a random sealed tree and no mutated leaf (property)', async () => {
      const { hs, bySealer } = await loadFixture(deployHyperSealFixture)
      const arb = fc.record({
        leaves: fc.array(leafArb, { minLength: 1, maxLength: 64 }),
        pick: fc.nat(),
        field: fc.integer({ min: 0, max: 3 })
      })
      await fc.assert(fc.asyncProperty(arb, async ({ leaves, pick, field }) => {
        const tree = buildTree(leaves)
        // fast-check may repeat an input (shrinking); a root is sealed only once.
        const [sealedTime] = await hs.sealedAt(tree.root)
        const timestamp = sealedTime !== 0n ? sealedTime as bigint : (await sealRoot(bySealer, tree.root, leaves.length)).timestamp
        for (const [i, leaf] of leaves.entries()) {
          expect(await verifyHead(hs, tree.root, tree.getProof(i), leaf)).to.equal(timestamp)
        }
        const i = pick % leaves.length
        expect(await verifyHead(hs, tree.root, tree.getProof(i), mutateField(leaves[i], field))).to.equal(0n)
      }), { numRuns: 50 })
    })
  })
})
