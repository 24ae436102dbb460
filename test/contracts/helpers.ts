import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import type { Contract } from 'ethers'
import hre from 'hardhat'
import { randomBytes } from 'node:crypto'

// The leaf of a batch (docs: DESIGN.md "Formats"): (key, length, fork, treeHash).
export const LEAF_TYPES = ['bytes32', 'uint64', 'uint64', 'bytes32']
export type LeafValue = [key: string, length: bigint, fork: bigint, treeHash: string]

export const UINT64_MAX = 2n ** 64n - 1n

export function randomBytes32 (): string {
  return '0x' + randomBytes(32).toString('hex')
}

export function randomLeaf (): LeafValue {
  return [randomBytes32(), randomBytes(8).readBigUInt64BE(), randomBytes(8).readBigUInt64BE(), randomBytes32()]
}

export function buildTree (values: LeafValue[]): StandardMerkleTree<LeafValue> {
  return StandardMerkleTree.of(values, LEAF_TYPES)
}

/** `hex` (a 0x-prefixed byte string) with the last bit of byte `at` flipped. */
export function flipByte (hex: string, at = 31): string {
  const bytes = Buffer.from(hex.slice(2), 'hex')
  bytes[at] ^= 0x01
  return '0x' + bytes.toString('hex')
}

/** The same leaf with field `field` (0 key, 1 length, 2 fork, 3 treeHash) changed. */
export function mutateField (leaf: LeafValue, field: number): LeafValue {
  const out: LeafValue = [...leaf]
  switch (field) {
    case 0: out[0] = flipByte(leaf[0]); break
    case 1: out[1] = leaf[1] ^ 1n; break
    case 2: out[2] = leaf[2] ^ 1n; break
    case 3: out[3] = flipByte(leaf[3]); break
    default: throw new RangeError(`no leaf field ${field}`)
  }
  return out
}

// `hre.ethers` types a deployed contract as an untyped `Contract`; `connect` loses even that.
export function as (contract: Contract, signer: Parameters<Contract['connect']>[0]): Contract {
  return contract.connect(signer) as Contract
}

/** The admin transfer delay of the fixture's contract: one day, in seconds. */
export const ADMIN_DELAY = 86_400

export async function deployHyperSealFixture () {
  const [admin, sealer, other] = await hre.ethers.getSigners()
  const factory = await hre.ethers.getContractFactory('HyperSeal')
  const hs = await factory.deploy(admin.address, sealer.address, ADMIN_DELAY)
  await hs.waitForDeployment()
  const SEALER_ROLE = (await hs.SEALER_ROLE()) as string
  const DEFAULT_ADMIN_ROLE = (await hs.DEFAULT_ADMIN_ROLE()) as string
  return { hs, admin, sealer, other, SEALER_ROLE, DEFAULT_ADMIN_ROLE, bySealer: as(hs, sealer) }
}

/** Seals `root` as `sealer`; returns the timestamp and number of the block that holds the seal. */
export async function sealRoot (bySealer: Contract, root: string, leafCount: number): Promise<{ timestamp: bigint, blockNumber: bigint }> {
  const tx = await bySealer.seal(root, leafCount)
  const receipt = await tx.wait()
  const block = await hre.ethers.provider.getBlock(receipt.blockNumber)
  if (block === null) throw new Error(`block ${receipt.blockNumber} of the seal is missing`)
  return { timestamp: BigInt(block.timestamp), blockNumber: BigInt(block.number) }
}

export async function verifyHead (hs: Contract, root: string, proof: string[], leaf: LeafValue): Promise<bigint> {
  return (await hs.verifyHead(root, proof, ...leaf)) as bigint
}
