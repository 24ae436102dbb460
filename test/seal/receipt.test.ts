import { expect } from 'chai'
import fc from 'fast-check'
import { getAddress } from 'ethers'
import {
  buildBatch, checkReceipt, headFromJson, headToJson, parseReceipt, type Head, type Receipt, type SealInfo
} from '../../src/seal'
import { WRITERS, bytes32Arb, codeOf, flipByte, headsArb, signHead } from './helpers'

const hexArb = (bytes: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => '0x' + Buffer.from(b).toString('hex'))

function sealArb (root: string, leafCount: number): fc.Arbitrary<SealInfo> {
  return fc.record({
    chainId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    contract: hexArb(20),
    root: fc.constant(root),
    leafCount: fc.constant(leafCount),
    txHash: hexArb(32),
    blockNumber: fc.maxSafeNat(),
    blockHash: hexArb(32),
    timestamp: fc.maxSafeNat()
  })
}

/** A batch of real signed heads, one of its receipts, and that receipt's index. */
const receiptArb: fc.Arbitrary<Receipt> = headsArb(24).chain((heads) => {
  const batch = buildBatch(heads)
  return fc.tuple(fc.nat({ max: heads.length - 1 }), sealArb(batch.root, batch.leafCount))
    .map(([i, seal]) => batch.receiptFor(i, seal))
})

function sample (): Receipt {
  const heads = [0, 1, 2, 3, 4].map((w) => signHead(WRITERS[w], 100 + w, w % 2, Buffer.alloc(32, w + 7)))
  const batch = buildBatch(heads)
  return batch.receiptFor(3, {
    chainId: 31337,
    contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    root: batch.root,
    leafCount: 5,
    txHash: '0x' + 'ab'.repeat(32),
    blockNumber: 7,
    blockHash: '0x' + 'cd'.repeat(32),
    timestamp: 1764000000
  })
}

type Mutation = (r: Receipt, at: number) => Receipt

function hexFlip (hex: string, at: number, prefix: boolean): string {
  const bytes = Buffer.from(prefix ? hex.slice(2) : hex, 'hex')
  return (prefix ? '0x' : '') + flipByte(bytes, at % bytes.length, 0x80 >> (at % 8)).toString('hex')
}

function headField (field: 'key' | 'treeHash' | 'signature' | 'manifest'): Mutation {
  return (r, at) => ({ ...r, head: { ...r.head, [field]: hexFlip(r.head[field], at, false) } })
}

function numberField (field: 'length' | 'fork'): Mutation {
  // Flip one bit of the 53-bit value, so it stays a valid safe integer but another number.
  return (r, at) => {
    const bit = 2 ** (at % 53)
    const value = r.head[field]
    const flipped = Math.floor(value / bit) % 2 === 1 ? value - bit : value + bit
    return { ...r, head: { ...r.head, [field]: flipped } }
  }
}

const MUTATIONS: Record<string, Mutation> = {
  key: headField('key'),
  treeHash: headField('treeHash'),
  signature: headField('signature'),
  manifest: headField('manifest'),
  length: numberField('length'),
  fork: numberField('fork'),
  root: (r, at) => ({ ...r, seal: { ...r.seal, root: hexFlip(r.seal.root, at, true) } }),
  proof: (r, at) => r.proof.length === 0
    ? { ...r, proof: ['0x' + '00'.repeat(32)] }
    : { ...r, proof: r.proof.map((p, i) => (i === at % r.proof.length ? hexFlip(p, Math.floor(at / r.proof.length), true) : p)) }
}

describe('seal: receipts', () => {
  it('round-trips a receipt through JSON unchanged', () => {
    fc.assert(fc.property(receiptArb, (receipt) => {
      expect(parseReceipt(JSON.parse(JSON.stringify(receipt)))).to.deep.equal(receipt)
    }), { numRuns: 60 })
  })

  it('round-trips a head through JSON unchanged', () => {
    fc.assert(fc.property(fc.nat({ max: WRITERS.length - 1 }), fc.maxSafeNat(), fc.maxSafeNat(), bytes32Arb, (w, length, fork, treeHash) => {
      const head: Head = signHead(WRITERS[w], length, fork, treeHash)
      const back = headFromJson(JSON.parse(JSON.stringify(headToJson(head))))
      expect(back).to.deep.equal(head)
    }), { numRuns: 200 })
  })

  it('accepts every receipt of a random batch', () => {
    fc.assert(fc.property(receiptArb, (receipt) => {
      const check = checkReceipt(receipt)
      expect(check.ok, JSON.stringify(check)).to.equal(true)
    }), { numRuns: 60 })
  })

  it('rejects any single changed byte of the head, proof or root', () => {
    fc.assert(fc.property(receiptArb, fc.constantFrom(...Object.keys(MUTATIONS)), fc.nat({ max: 10_000 }), (receipt, field, at) => {
      const check = checkReceipt(MUTATIONS[field](receipt, at))
      expect(check.ok, `${field} at ${at}`).to.equal(false)
    }), { numRuns: 500 })
  })

  it('names what failed', () => {
    const r = sample()
    const codeOfCheck = (x: unknown): string | undefined => {
      const check = checkReceipt(x)
      return check.ok ? undefined : check.code
    }
    expect(codeOfCheck(r)).to.equal(undefined)
    expect(codeOfCheck(MUTATIONS.signature(r, 20))).to.equal('BAD_SIGNATURE')
    expect(codeOfCheck(MUTATIONS.length(r, 0))).to.equal('BAD_SIGNATURE')
    expect(codeOfCheck(MUTATIONS.key(r, 3))).to.equal('KEY_MISMATCH')
    expect(codeOfCheck({ ...r, head: { ...r.head, manifest: '04' + r.head.manifest.slice(2) } })).to.equal('BAD_MANIFEST')
    expect(codeOfCheck(MUTATIONS.root(r, 3))).to.equal('BAD_PROOF')
    expect(codeOfCheck(MUTATIONS.proof(r, 3))).to.equal('BAD_PROOF')
    // A 5-leaf tree has proofs of 2 or 3 nodes.
    expect(codeOfCheck({ ...r, proof: r.proof.slice(0, 1) })).to.equal('BAD_PROOF')
    expect(codeOfCheck({ ...r, proof: [...r.proof, r.proof[0], r.proof[0]].slice(0, 4) })).to.equal('BAD_PROOF')
    expect(codeOfCheck({ ...r, seal: { ...r.seal, leafCount: 64 } })).to.equal('BAD_PROOF')
    // A head of another batch, with this batch's proof.
    const stranger = headToJson(signHead(WRITERS[5], 100, 0, Buffer.alloc(32, 1)))
    expect(codeOfCheck({ ...r, head: stranger })).to.equal('BAD_PROOF')
    expect(codeOfCheck({ ...r, v: 2 })).to.equal('BAD_RECEIPT')
  })

  it('parses strictly', () => {
    const r = sample() as unknown as Record<string, Record<string, unknown>>
    const seal = r.seal
    const head = r.head
    const cases: Record<string, unknown> = {
      null: null,
      array: [r],
      noV: { head, seal, proof: r.proof },
      v2: { ...r, v: 2 },
      vString: { ...r, v: '1' },
      extra: { ...r, note: 'x' },
      noProof: { v: 1, head, seal },
      proofNotArray: { ...r, proof: 'x' },
      proofShort: { ...r, proof: ['0x' + '00'.repeat(31)] },
      proofNoPrefix: { ...r, proof: ['00'.repeat(32)] },
      proofUpper: { ...r, proof: ['0x' + 'AB'.repeat(32)] },
      headExtra: { ...r, head: { ...head, x: 1 } },
      headMissing: { ...r, head: { ...head, signature: undefined } },
      headPrefixed: { ...r, head: { ...head, key: '0x' + (head.key as string).slice(2) } },
      sealExtra: { ...r, seal: { ...seal, gas: 1 } },
      sealMissing: { ...r, seal: { ...seal, blockHash: undefined } },
      chainIdZero: { ...r, seal: { ...seal, chainId: 0 } },
      chainIdString: { ...r, seal: { ...seal, chainId: '31337' } },
      chainIdHuge: { ...r, seal: { ...seal, chainId: 2 ** 53 } },
      blockFraction: { ...r, seal: { ...seal, blockNumber: 1.5 } },
      blockNegative: { ...r, seal: { ...seal, blockNumber: -1 } },
      timestampString: { ...r, seal: { ...seal, timestamp: '1764000000' } },
      leafCountZero: { ...r, seal: { ...seal, leafCount: 0 } },
      leafCountOverUint32: { ...r, seal: { ...seal, leafCount: 2 ** 32 } },
      rootNoPrefix: { ...r, seal: { ...seal, root: (seal.root as string).slice(2) } },
      rootShort: { ...r, seal: { ...seal, root: (seal.root as string).slice(0, 64) } },
      txHashUpper: { ...r, seal: { ...seal, txHash: (seal.txHash as string).toUpperCase() } },
      blockHashShort: { ...r, seal: { ...seal, blockHash: '0x12' } },
      contractShort: { ...r, seal: { ...seal, contract: '0x1234' } },
      contractBadChecksum: { ...r, seal: { ...seal, contract: '0x5FBdB2315678afecb367f032d93F642f64180aa3' } },
      contractNoPrefix: { ...r, seal: { ...seal, contract: (seal.contract as string).slice(2) } }
    }
    for (const [name, value] of Object.entries(cases)) {
      const json = value === null ? null : JSON.parse(JSON.stringify(value))
      expect(codeOf(() => parseReceipt(json)), name).to.equal('BAD_RECEIPT')
      const check = checkReceipt(json)
      expect(check.ok ? 'ok' : check.code, name).to.equal('BAD_RECEIPT')
    }
    // All-lowercase and checksummed addresses are both fine.
    const lower = { ...r, seal: { ...seal, contract: (seal.contract as string).toLowerCase() } }
    expect(parseReceipt(lower).seal.contract).to.equal((seal.contract as string).toLowerCase())
    expect(parseReceipt(r).seal.contract).to.equal(seal.contract)
  })

  it('takes a contract address exactly when ethers\' getAddress does (EIP-55, property)', () => {
    const r = JSON.parse(JSON.stringify(sample())) as Record<string, unknown>
    // Any 20 bytes, written checksummed, then with any letters' case flipped: the receipt's own
    // checksum check must agree with ethers' on every one (accept iff getAddress accepts).
    fc.assert(fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.array(fc.nat(39), { maxLength: 4 }), (bytes, flips) => {
      const chars = getAddress('0x' + Buffer.from(bytes).toString('hex')).split('')
      for (const i of flips) {
        const c = chars[2 + i]
        chars[2 + i] = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()
      }
      const contract = chars.join('')
      let ethersTakes = true
      try { getAddress(contract) } catch { ethersTakes = false }
      const json = { ...r, seal: { ...(r.seal as object), contract } }
      expect(codeOf(() => parseReceipt(json)), contract).to.equal(ethersTakes ? undefined : 'BAD_RECEIPT')
    }), { numRuns: 500 })
  })
})
