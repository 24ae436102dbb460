/**
 * Deploys HyperSeal on the Hardhat network in use and seals a batch root there, returning the
 * seal as a receipt carries it. Shared by the contract cross-check and the fixture script.
 */
import type { HardhatRuntimeEnvironment } from 'hardhat/types'
import type { Batch, SealInfo } from '../../src/seal'

export interface SealedOnChain {
  seal: SealInfo
  /** The deployed HyperSeal, for further calls (verifyHead). */
  contract: Awaited<ReturnType<HardhatRuntimeEnvironment['ethers']['deployContract']>>
}

export async function sealOnHardhat (hre: HardhatRuntimeEnvironment, batch: Batch): Promise<SealedOnChain> {
  const [admin] = await hre.ethers.getSigners()
  const contract = await hre.ethers.deployContract('HyperSeal', [admin.address, admin.address, 0])
  await contract.waitForDeployment()
  const tx = await contract.getFunction('seal')(batch.root, batch.leafCount)
  const mined = await tx.wait()
  if (mined === null) throw new Error('the seal transaction was not mined')
  const block = await hre.ethers.provider.getBlock(mined.blockNumber)
  if (block === null || block.hash === null) throw new Error(`block ${mined.blockNumber} not found`)
  const network = await hre.ethers.provider.getNetwork()
  return {
    contract,
    seal: {
      chainId: Number(network.chainId),
      contract: await contract.getAddress(),
      root: batch.root,
      leafCount: batch.leafCount,
      txHash: mined.hash,
      blockNumber: mined.blockNumber,
      blockHash: block.hash,
      timestamp: block.timestamp
    }
  }
}
