import { expect } from 'chai'
import { processProof } from '@openzeppelin/merkle-tree/dist/core'
import {
  batchFromJson, checkReceipt, headFromJson, leafHash, parseReceipt, verifyHeadSignature
} from '../../src/seal'
// A receipt and batch captured from a real Hypercore and a real seal on Hardhat
// (see test/fixtures/receipt-v1.md for how they were made).
import receiptJson from '../fixtures/receipt-v1.json'
import batchJson from '../fixtures/batch-v1.json'

describe('seal: the captured receipt-v1 fixture', () => {
  it('parses and checks', () => {
    const receipt = parseReceipt(receiptJson)
    expect(receipt).to.deep.equal(receiptJson)
    const check = checkReceipt(receipt)
    expect(check.ok, JSON.stringify(check)).to.equal(true)
    expect(Buffer.from(receipt.head.signature, 'hex').byteLength).to.equal(68)
  })

  it('has a proof that leads from its head to its sealed root', () => {
    const receipt = parseReceipt(receiptJson)
    const head = headFromJson(receipt.head)
    expect(processProof(leafHash(head), receipt.proof)).to.equal(receipt.seal.root)
  })

  it('is the receipt that the rebuilt batch gives for that head', () => {
    const receipt = parseReceipt(receiptJson)
    const batch = batchFromJson(batchJson)
    expect(batch.root).to.equal(receipt.seal.root)
    expect(batch.leafCount).to.equal(receipt.seal.leafCount)
    expect(batch.receiptFor(0, receipt.seal)).to.deep.equal(receipt)
    // The batch holds a real head after a truncate (fork 1), and it verifies too.
    const forked = batch.heads.find((h) => h.fork === 1)
    expect(forked).to.not.equal(undefined)
    if (forked) expect(() => verifyHeadSignature(forked)).not.to.throw()
  })
})
