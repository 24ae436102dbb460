import { expect } from 'chai'
import hre from 'hardhat'
import { buildBatch, checkReceipt, leafOf, type Head } from '../../src/seal'
import { sealOnHardhat } from '../support/seal-hardhat'
import { WRITERS, signHead } from './helpers'

/** The batch tree and leaf encoding must be exactly what HyperSeal.verifyHead checks on chain. */
describe('seal: batches against the HyperSeal contract', () => {
  it('proves every head of a sealed batch on chain, and no altered one', async () => {
    const heads: Head[] = Array.from({ length: 13 }, (_, i) =>
      signHead(WRITERS[i % WRITERS.length], 2 ** 40 + i, i % 4, Buffer.alloc(32, i + 1)))
    const batch = buildBatch(heads)
    const { seal, contract } = await sealOnHardhat(hre, batch)
    const verifyHead = contract.getFunction('verifyHead')

    for (let i = 0; i < heads.length; i++) {
      const proof = batch.proofFor(i)
      const [key, length, fork, treeHash] = leafOf(heads[i])
      expect(await verifyHead(batch.root, proof, key, length, fork, treeHash)).to.equal(BigInt(seal.timestamp))
      expect(await verifyHead(batch.root, proof, key, BigInt(length) + 1n, fork, treeHash)).to.equal(0n)
      expect(await verifyHead(batch.root, proof, key, length, BigInt(fork) + 1n, treeHash)).to.equal(0n)

      const receipt = batch.receiptFor(i, seal)
      expect(checkReceipt(receipt).ok).to.equal(true)
    }
    const [timestamp, blockNumber] = await contract.getFunction('sealedAt')(batch.root)
    expect([Number(timestamp), Number(blockNumber)]).to.deep.equal([seal.timestamp, seal.blockNumber])
  })
})
