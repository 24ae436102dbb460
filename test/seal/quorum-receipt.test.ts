import { expect } from 'chai'
import hre from 'hardhat'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Hypercore from 'hypercore'
import { captureCoreHead } from '../../src/heads'
import {
  buildBatch, checkReceipt, decodeMultiSignature, encodeMultiSignature, headFromJson, verifyHeadSignature, type Head, type Receipt
} from '../../src/seal'
import { sealOnHardhat } from '../support/seal-hardhat'
import { flipByte } from './helpers'
import { blocks, keyPair, quorumAppend, quorumCore, type Store } from './quorum-cores'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Corestore = require('corestore') as new (dir: string) => Store

/** A copy of the receipt whose head's first quorum proof has one signature byte changed. */
function forgedFirstSigner (receipt: Receipt): Receipt {
  const blob = decodeMultiSignature(Buffer.from(receipt.head.signature, 'hex'), 1)
  const proofs = blob.proofs.map((p, i) => i === 0 ? { ...p, signature: flipByte(p.signature, 11) } : p)
  return { ...receipt, head: { ...receipt.head, signature: encodeMultiSignature({ ...blob, proofs }).toString('hex') } }
}

describe('seal: quorum heads from real cores, captured, sealed and checked end to end', () => {
  let dir: string
  let store: Store
  let heads: Head[]

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hs-quorum-'))
    store = new Corestore(dir)
    await store.ready()
    const three = [keyPair(), keyPair(), keyPair()]
    const plain = await quorumCore(store, three, 2, false)
    await quorumAppend(plain, blocks('plain', 12), 12, [{ signer: 1, keyPair: three[1], length: 12 }, { signer: 2, keyPair: three[2], length: 12 }])
    const other = [keyPair(), keyPair(), keyPair()]
    const patched = await quorumCore(store, other, 2, true)
    await quorumAppend(patched, blocks('patched', 20), 13, [{ signer: 2, keyPair: other[2], length: 20 }, { signer: 0, keyPair: other[0], length: 13 }])
    heads = []
    for (const core of [plain, patched]) {
      const { head } = await captureCoreHead(core as Hypercore, { updateTimeoutMs: 1000 })
      heads.push(head)
    }
  })

  after(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('captures 2-of-3 heads through the head capture path, with roots only where a patch needs them', () => {
    const [plain, patched] = heads
    expect(plain.length).to.equal(12)
    expect(plain.roots).to.equal(undefined)
    expect(patched.length).to.equal(13)
    expect(patched.roots?.map((r) => r.index)).to.deep.equal([7, 19, 24]) // blocks 0-7, 8-11, 12
    for (const head of heads) expect(() => verifyHeadSignature(head)).not.to.throw()
  })

  it('seals them in one batch on chain, and checkReceipt accepts each receipt from its JSON', async () => {
    const batch = buildBatch(heads)
    const { seal } = await sealOnHardhat(hre, batch)
    for (let i = 0; i < heads.length; i++) {
      const receipt = JSON.parse(JSON.stringify(batch.receiptFor(i, seal))) as Receipt
      const check = checkReceipt(receipt)
      expect(check.ok, JSON.stringify(check)).to.equal(true)
      expect(headFromJson(receipt.head).roots?.length).to.equal(heads[i].roots?.length)
      // One signer's signature forged: below the quorum of 2.
      const forged = checkReceipt(forgedFirstSigner(receipt))
      expect(forged.ok).to.equal(false)
      expect(forged.ok ? null : forged.code).to.equal('BAD_SIGNATURE')
    }
    // The patched head's receipt without its roots cannot be checked, and says so.
    const { roots: _roots, ...bare } = batch.receiptFor(1, seal).head
    const stripped = checkReceipt({ ...batch.receiptFor(1, seal), head: bare })
    expect(stripped.ok ? null : stripped.code).to.equal('BAD_SIGNATURE')
  })
})
