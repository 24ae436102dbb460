import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers'
import { expect } from 'chai'
import { AbiCoder, id, keccak256 } from 'ethers'
import fc from 'fast-check'
import hre from 'hardhat'
import {
  ADMIN_DELAY, LEAF_TYPES, UINT64_MAX, as, buildTree, deployHyperSealFixture, flipByte, mutateField,
  randomBytes32, randomLeaf, sealRoot, verifyHead, type LeafValue
} from './helpers'

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => '0x' + Buffer.from(b).toString('hex'))
const uint64 = fc.bigInt({ min: 0n, max: UINT64_MAX })
const leafArb = fc.tuple(bytes32, uint64, uint64, bytes32).map((t): LeafValue => t)

/** The ERC-165 id of an interface: the XOR of its functions' selectors. */
function interfaceId (signatures: string[]): string {
  const x = signatures.reduce((acc, s) => acc ^ Number.parseInt(id(s).slice(2, 10), 16), 0) >>> 0
  return '0x' + x.toString(16).padStart(8, '0')
}

describe('HyperSeal', () => {
  describe('roles', () => {
    it('rejects seal from an account without SEALER_ROLE, the admin included', async () => {
      const { hs, admin, other, SEALER_ROLE } = await loadFixture(deployHyperSealFixture)
      for (const account of [other, admin]) {
        await expect(as(hs, account).seal(randomBytes32(), 1))
          .to.be.revertedWithCustomError(hs, 'AccessControlUnauthorizedAccount')
          .withArgs(account.address, SEALER_ROLE)
      }
      expect(await hs.sealCount()).to.equal(0n)
    })

    it('lets the admin grant and revoke sealers', async () => {
      const { hs, other, SEALER_ROLE } = await loadFixture(deployHyperSealFixture)
      await expect(hs.grantRole(SEALER_ROLE, other.address)).to.emit(hs, 'RoleGranted')
      await expect(as(hs, other).seal(randomBytes32(), 1)).to.emit(hs, 'Sealed')

      await hs.revokeRole(SEALER_ROLE, other.address)
      await expect(as(hs, other).seal(randomBytes32(), 1))
        .to.be.revertedWithCustomError(hs, 'AccessControlUnauthorizedAccount')
        .withArgs(other.address, SEALER_ROLE)
      expect(await hs.sealCount()).to.equal(1n)
    })

    it('does not let a non-admin grant SEALER_ROLE', async () => {
      const { hs, sealer, other, SEALER_ROLE, DEFAULT_ADMIN_ROLE } = await loadFixture(deployHyperSealFixture)
      for (const account of [sealer, other]) {
        await expect(as(hs, account).grantRole(SEALER_ROLE, other.address))
          .to.be.revertedWithCustomError(hs, 'AccessControlUnauthorizedAccount')
          .withArgs(account.address, DEFAULT_ADMIN_ROLE)
      }
      expect(await hs.hasRole(SEALER_ROLE, other.address)).to.equal(false)
    })

    it('after the admin renounces (two steps, after the delay), sealers keep sealing but nobody can grant or revoke any more', async () => {
      const { hs, admin, sealer, other, SEALER_ROLE, DEFAULT_ADMIN_ROLE } = await loadFixture(deployHyperSealFixture)
      await hs.beginDefaultAdminTransfer(hre.ethers.ZeroAddress)
      const [, schedule] = await hs.pendingDefaultAdmin()
      await expect(hs.renounceRole(DEFAULT_ADMIN_ROLE, admin.address))
        .to.be.revertedWithCustomError(hs, 'AccessControlEnforcedDefaultAdminDelay').withArgs(schedule)
      await time.increaseTo(schedule + 1n)
      await expect(hs.renounceRole(DEFAULT_ADMIN_ROLE, admin.address)).to.emit(hs, 'RoleRevoked')
      expect(await hs.defaultAdmin()).to.equal(hre.ethers.ZeroAddress)
      await expect(hs.grantRole(SEALER_ROLE, other.address))
        .to.be.revertedWithCustomError(hs, 'AccessControlUnauthorizedAccount')
        .withArgs(admin.address, DEFAULT_ADMIN_ROLE)
      await expect(hs.revokeRole(SEALER_ROLE, sealer.address))
        .to.be.revertedWithCustomError(hs, 'AccessControlUnauthorizedAccount')
        .withArgs(admin.address, DEFAULT_ADMIN_ROLE)
      await expect(as(hs, sealer).seal(randomBytes32(), 1)).to.emit(hs, 'Sealed')
    })

    it('lets a sealer renounce its own role, after which it cannot seal', async () => {
      const { hs, sealer, SEALER_ROLE } = await loadFixture(deployHyperSealFixture)
      await as(hs, sealer).renounceRole(SEALER_ROLE, sealer.address)
      await expect(as(hs, sealer).seal(randomBytes32(), 1))
        .to.be.revertedWithCustomError(hs, 'AccessControlUnauthorizedAccount')
        .withArgs(sealer.address, SEALER_ROLE)
    })

    it('grants no sealer when deployed with the zero address', async () => {
      const [admin] = await hre.ethers.getSigners()
      const hs = await hre.ethers.deployContract('HyperSeal', [admin.address, hre.ethers.ZeroAddress, 0])
      const role = await hs.SEALER_ROLE()
      expect(await hs.hasRole(role, hre.ethers.ZeroAddress)).to.equal(false)
      expect(await hs.hasRole(await hs.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true)
      await expect(hs.seal(randomBytes32(), 1)).to.be.revertedWithCustomError(hs, 'AccessControlUnauthorizedAccount')
    })
  })

  describe('admin rules (two-step, delayed transfer)', () => {
    it('hands the admin role over only after the delay, and only when the new admin accepts', async () => {
      const { hs, admin, other, DEFAULT_ADMIN_ROLE } = await loadFixture(deployHyperSealFixture)
      expect(await hs.defaultAdmin()).to.equal(admin.address)
      expect(await hs.defaultAdminDelay()).to.equal(BigInt(ADMIN_DELAY))
      await expect(hs.beginDefaultAdminTransfer(other.address)).to.emit(hs, 'DefaultAdminTransferScheduled')
      const [pending, schedule] = await hs.pendingDefaultAdmin()
      expect(pending).to.equal(other.address)
      // Before the delay has passed: the new admin cannot accept, the old one is still admin.
      await expect(as(hs, other).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(hs, 'AccessControlEnforcedDefaultAdminDelay').withArgs(schedule)
      expect(await hs.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(true)
      // In a block at the schedule itself it is still too early: the delay is strict.
      await time.setNextBlockTimestamp(schedule)
      await expect(as(hs, other).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(hs, 'AccessControlEnforcedDefaultAdminDelay').withArgs(schedule)
      // Nobody but the pending admin can accept, even after the delay.
      await expect(hs.acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(hs, 'AccessControlInvalidDefaultAdmin').withArgs(admin.address)
      await expect(as(hs, other).acceptDefaultAdminTransfer()).to.emit(hs, 'RoleGranted')
      expect(await hs.defaultAdmin()).to.equal(other.address)
      expect(await hs.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(false)
    })

    it('lets the admin cancel a pending transfer, after which it cannot be accepted', async () => {
      const { hs, admin, other } = await loadFixture(deployHyperSealFixture)
      await hs.beginDefaultAdminTransfer(other.address)
      await hs.cancelDefaultAdminTransfer()
      await time.increase(ADMIN_DELAY + 1)
      await expect(as(hs, other).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(hs, 'AccessControlInvalidDefaultAdmin').withArgs(other.address)
      expect(await hs.defaultAdmin()).to.equal(admin.address)
    })

    it('refuses a one-step grant or revoke of the admin role, and a transfer begun by a non-admin', async () => {
      const { hs, sealer, other, DEFAULT_ADMIN_ROLE } = await loadFixture(deployHyperSealFixture)
      await expect(hs.grantRole(DEFAULT_ADMIN_ROLE, other.address)).to.be.revertedWithCustomError(hs, 'AccessControlEnforcedDefaultAdminRules')
      await expect(hs.revokeRole(DEFAULT_ADMIN_ROLE, sealer.address)).to.be.revertedWithCustomError(hs, 'AccessControlEnforcedDefaultAdminRules')
      await expect(as(hs, sealer).beginDefaultAdminTransfer(sealer.address))
        .to.be.revertedWithCustomError(hs, 'AccessControlUnauthorizedAccount').withArgs(sealer.address, DEFAULT_ADMIN_ROLE)
    })

    it('refuses the zero address as the first admin', async () => {
      const [, sealer] = await hre.ethers.getSigners()
      const factory = await hre.ethers.getContractFactory('HyperSeal')
      await expect(factory.deploy(hre.ethers.ZeroAddress, sealer.address, 0))
        .to.be.revertedWithCustomError(factory, 'AccessControlInvalidDefaultAdmin').withArgs(hre.ethers.ZeroAddress)
    })

    it('supports the IHyperSeal, IAccessControl, IAccessControlDefaultAdminRules and ERC-165 interface ids, and no other', async () => {
      const { hs } = await loadFixture(deployHyperSealFixture)
      const ids = {
        IHyperSeal: interfaceId(['seal(bytes32,uint32)', 'sealedAt(bytes32)', 'verifyHead(bytes32,bytes32[],bytes32,uint64,uint64,bytes32)']),
        IERC165: interfaceId(['supportsInterface(bytes4)']),
        IAccessControl: interfaceId(['hasRole(bytes32,address)', 'getRoleAdmin(bytes32)', 'grantRole(bytes32,address)', 'revokeRole(bytes32,address)', 'renounceRole(bytes32,address)']),
        IAccessControlDefaultAdminRules: interfaceId(['defaultAdmin()', 'pendingDefaultAdmin()', 'defaultAdminDelay()', 'pendingDefaultAdminDelay()',
          'beginDefaultAdminTransfer(address)', 'cancelDefaultAdminTransfer()', 'acceptDefaultAdminTransfer()', 'changeDefaultAdminDelay(uint48)',
          'rollbackDefaultAdminDelay()', 'defaultAdminDelayIncreaseWait()'])
      }
      for (const [name, id] of Object.entries(ids)) expect(await hs.supportsInterface(id), name).to.equal(true)
      for (const id of ['0xffffffff', '0x00000000', flipByte(ids.IHyperSeal, 3)]) expect(await hs.supportsInterface(id), id).to.equal(false)
    })
  })

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
