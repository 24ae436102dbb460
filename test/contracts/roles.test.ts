import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers'
import { expect } from 'chai'
import { id } from 'ethers'
import hre from 'hardhat'
import { ADMIN_DELAY, as, deployHyperSealFixture, flipByte, randomBytes32 } from './helpers'

/** The ERC-165 id of an interface: the XOR of its functions' selectors. */
function interfaceId (signatures: string[]): string {
  const x = signatures.reduce((acc, s) => acc ^ Number.parseInt(id(s).slice(2, 10), 16), 0) >>> 0
  return '0x' + x.toString(16).padStart(8, '0')
}

describe('HyperSeal: roles and admin rules', () => {
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
})
