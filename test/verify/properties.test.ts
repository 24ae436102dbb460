import { expect } from 'chai'
import fc from 'fast-check'
import type { Receipt } from '../../src/seal'
import { assess, planVerify, verify, type ChainEvidence, type ReplicaView, type VerifyInput } from '../../src/verify'
import { WRITERS } from '../seal/helpers'
import { TestChain, headOf, inputOf, line, replicaOf, rewritten, sealedCore } from './helpers'

// ---- any single change to the evidence breaks `verified` ----

const { key, history, chain, receipts } = sealedCore()
// Version 25: the receipt at length 30 is the only one covering it, so it decides.
const VERSION = 25
const DECIDING = 2
const good = (): VerifyInput => inputOf({ key, version: VERSION, receipts, chain, replica: replicaOf(history, 35) })

function flipHexByte (hex: string, at: number, bit: number): string {
  const prefix = hex.startsWith('0x') ? '0x' : ''
  const bytes = Buffer.from(hex.slice(prefix.length), 'hex')
  bytes[at % bytes.length] ^= 1 << (bit % 8)
  return prefix + bytes.toString('hex')
}

/** Flips one of the low `bits` bits, so the number stays a valid-form safe integer. */
function flipBit (n: number, at: number, bits = 53): number {
  const bit = 2 ** (at % bits)
  return Math.floor(n / bit) % 2 === 1 ? n - bit : n + bit
}

type Mutation = (input: VerifyInput, at: number, bit: number) => VerifyInput

/** As a gatherer would: every answer the plan names that the chain does not have is "none". */
function answered (input: VerifyInput): VerifyInput {
  const plan = planVerify({ key: input.key, version: input.version, receipts: input.receipts, replica: input.replica })
  const c = input.chain
  const fill = <T>(have: Readonly<Record<string | number, T>>, keys: Array<string | number>, none: T): Record<string, T> =>
    ({ ...have, ...Object.fromEntries(keys.filter((k) => !(k in have)).map((k) => [k, none])) })
  return { ...input, chain: { ...c, seals: fill(c.seals, plan.seals.map((x) => x.root), null), blocks: fill(c.blocks, plan.blockNumbers, null), txs: fill(c.txs, plan.txs, null), code: fill(c.code, plan.contracts, '0x') } }
}

function onReceipt (change: (r: Receipt, at: number, bit: number) => Receipt): Mutation {
  return (input, at, bit) => ({ ...input, receipts: input.receipts.map((r, i) => (i === DECIDING ? change(r, at, bit) : r)) })
}
const headHex = (field: 'key' | 'treeHash' | 'signature' | 'manifest'): Mutation =>
  onReceipt((r, at, bit) => ({ ...r, head: { ...r.head, [field]: flipHexByte(r.head[field], at, bit) } }))
const headNumber = (field: 'length' | 'fork'): Mutation =>
  onReceipt((r, at) => ({ ...r, head: { ...r.head, [field]: flipBit(r.head[field], at) } }))
const sealHex = (field: 'root' | 'contract' | 'txHash' | 'blockHash'): Mutation =>
  onReceipt((r, at, bit) => ({ ...r, seal: { ...r.seal, [field]: flipHexByte(r.seal[field], at, bit) } }))
const sealNumber = (field: 'chainId' | 'leafCount' | 'blockNumber' | 'timestamp'): Mutation =>
  onReceipt((r, at) => ({ ...r, seal: { ...r.seal, [field]: flipBit(r.seal[field], at, field === 'leafCount' ? 32 : 53) } }))

const decidingRoot = receipts[DECIDING].seal.root
const decidingBlock = receipts[DECIDING].seal.blockNumber
const decidingTx = receipts[DECIDING].seal.txHash
function onAnswer (change: (a: NonNullable<ChainEvidence['seals'][string]>, at: number, bit: number) => object): Mutation {
  return (input, at, bit) => ({ ...input, chain: { ...input.chain, seals: { ...input.chain.seals, [decidingRoot]: change(input.chain.seals[decidingRoot]!, at, bit) } as ChainEvidence['seals'] } })
}
function onBlock (change: (b: NonNullable<ChainEvidence['blocks'][number]>, at: number, bit: number) => object): Mutation {
  return (input, at, bit) => ({ ...input, chain: { ...input.chain, blocks: { ...input.chain.blocks, [decidingBlock]: change(input.chain.blocks[decidingBlock]!, at, bit) } as ChainEvidence['blocks'] } })
}
function onTx (change: (t: NonNullable<ChainEvidence['txs'][string]>, at: number, bit: number) => object): Mutation {
  return (input, at, bit) => ({ ...input, chain: { ...input.chain, txs: { ...input.chain.txs, [decidingTx]: change(input.chain.txs[decidingTx]!, at, bit) } as ChainEvidence['txs'] } })
}

const MUTATIONS: Record<string, Mutation> = {
  'head.key': headHex('key'),
  'head.treeHash': headHex('treeHash'),
  'head.signature': headHex('signature'),
  'head.manifest': headHex('manifest'),
  'head.length': headNumber('length'),
  'head.fork': headNumber('fork'),
  proof: onReceipt((r, at, bit) => ({ ...r, proof: r.proof.map((p, i) => (i === at % r.proof.length ? flipHexByte(p, Math.floor(at / r.proof.length), bit) : p)) })),
  'seal.root': sealHex('root'),
  'seal.contract': sealHex('contract'),
  'seal.txHash': sealHex('txHash'),
  'seal.blockHash': sealHex('blockHash'),
  'seal.chainId': sealNumber('chainId'),
  'seal.leafCount': sealNumber('leafCount'),
  'seal.blockNumber': sealNumber('blockNumber'),
  'seal.timestamp': sealNumber('timestamp'),
  // The chain's answers (timestamps stay within what a Date can show).
  'sealedAt.timestamp': onAnswer((a, at) => ({ ...a, timestamp: flipBit(a.timestamp, at, 40) })),
  'sealedAt.blockNumber': onAnswer((a, at) => ({ ...a, blockNumber: flipBit(a.blockNumber, at) })),
  'block.hash': onBlock((b, at, bit) => ({ ...b, hash: flipHexByte(b.hash, at, bit) })),
  'block.timestamp': onBlock((b, at) => ({ ...b, timestamp: flipBit(b.timestamp, at, 40) })),
  'tx.to': onTx((t, at, bit) => ({ ...t, to: flipHexByte(t.to!, at, bit) })),
  'tx.status': onTx((t) => ({ ...t, status: 0 })),
  'tx.blockHash': onTx((t, at, bit) => ({ ...t, blockHash: flipHexByte(t.blockHash, at, bit) })),
  'tx.log.address': onTx((t, at, bit) => ({ ...t, logs: t.logs.map((l) => ({ ...l, address: flipHexByte(l.address, at, bit) })) })),
  'tx.log.topic': onTx((t, at, bit) => ({ ...t, logs: t.logs.map((l) => ({ ...l, topics: l.topics.map((x, i) => (i === at % 2 ? flipHexByte(x, Math.floor(at / 2), bit) : x)) })) })),
  'tx.log.leafCount': onTx((t, at, bit) => ({ ...t, logs: t.logs.map((l) => ({ ...l, data: flipHexByte(l.data, 28 + (at % 4), bit) })) })),
  'code': (input, at, bit) => ({ ...input, chain: { ...input.chain, code: Object.fromEntries(Object.entries(input.chain.code).map(([a, c]) => [a, flipHexByte(c, at, bit)])) } }),
  // The replica's tree at the sealed length.
  'replica.treeHashAt': (input, at, bit) => {
    const replica = input.replica
    const treeHashAt = (l: number): string | null | undefined => (l === 30 ? flipHexByte(replica.treeHashAt!(l)!, at, bit) : replica.treeHashAt!(l))
    return { ...input, replica: { ...replica, treeHashAt } as ReplicaView }
  }
}

describe('verify: properties', () => {
  it('starts from a verified input', () => {
    expect(verify(good()).status).to.equal('verified')
    expect(verify(good()).receipt).to.equal(receipts[DECIDING])
  })

  it('any single changed byte or number of the receipt, the chain answer or the replica tree is not verified', () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(MUTATIONS)), fc.nat({ max: 10_000 }), fc.nat({ max: 7 }), (field, at, bit) => {
      const { verdict, finding } = assess(answered(MUTATIONS[field](good(), at, bit)))
      expect(verdict.status, `${field} at ${at}/${bit}: ${finding}`).to.not.equal('verified')
    }), { numRuns: 600 })
  })

  // ---- the boundaries between statuses ----

  const boundaryArb = fc.record({
    sealed: fc.integer({ min: 1, max: 1_000_000 }),
    previous: fc.nat({ max: 1_000_000 }),
    fork: fc.nat({ max: 5 }),
    extra: fc.nat({ max: 1000 }),
    w: fc.nat({ max: WRITERS.length - 1 })
  }).map((r) => ({ ...r, previous: r.previous % r.sealed })) // 0 = no earlier seal

  function world (b: { sealed: number, previous: number, fork: number, w: number }): { k: string, h: ReturnType<typeof line>, rs: Receipt[], c: TestChain } {
    const writer = WRITERS[b.w]
    const h = line(`h${b.w}`, b.fork, { synthetic: true })
    const c = new TestChain()
    const lengths = b.previous > 0 ? [b.previous, b.sealed] : [b.sealed]
    const rs = lengths.flatMap((l) => c.seal([headOf(writer, h, l)], { filler: 1 }))
    return { k: writer.key.toString('hex'), h, rs, c }
  }

  it('version in (previous seal, sealed length] with the replica at least that long: verified; one past the last seal: pending', () => {
    fc.assert(fc.property(boundaryArb, fc.nat(), (b, pick) => {
      const { k, h, rs, c } = world(b)
      const version = b.previous + 1 + (pick % (b.sealed - b.previous))
      const at = (v: number, length: number): string => verify(inputOf({ key: k, version: v, receipts: rs, chain: c, replica: replicaOf(h, length) })).status
      expect(at(version, b.sealed + b.extra)).to.equal('verified')
      expect(at(b.sealed, b.sealed)).to.equal('verified')
      expect(at(b.sealed + 1, b.sealed + b.extra)).to.equal('pending')
    }), { numRuns: 150 })
  })

  it('replica one short of the sealed length: behind on the same or an older fork (it may catch up), rewind on a newer one', () => {
    fc.assert(fc.property(boundaryArb, (b) => {
      const { k, h, rs, c } = world(b)
      const at = (fork: number): string =>
        verify(inputOf({ key: k, version: b.sealed, receipts: rs, chain: c, replica: { ...replicaOf(h, b.sealed - 1), fork } })).status
      expect(at(b.fork)).to.equal('behind')
      if (b.fork > 0) expect(at(b.fork - 1)).to.equal('behind')
      expect(at(b.fork + 1)).to.equal('rewind')
    }), { numRuns: 150 })
  })

  it('another tree at the sealed length: fork on the same fork id, rewind on a newer one, rewind (stale) on an older one', () => {
    fc.assert(fc.property(boundaryArb, (b) => {
      const { k, h, rs, c } = world(b)
      const at = (fork: number): string => {
        const other = rewritten(h, b.sealed - 1, `other${fork}`, fork, { synthetic: true })
        return verify(inputOf({ key: k, version: b.sealed, receipts: rs, chain: c, replica: replicaOf(other, b.sealed + b.extra) })).status
      }
      expect(at(b.fork)).to.equal('fork')
      expect(at(b.fork + 1)).to.equal('rewind')
      if (b.fork > 0) expect(at(b.fork - 1)).to.equal('rewind')
    }), { numRuns: 150 })
  })

  it('the deciding receipt is the earliest seal covering the version, whatever the order', () => {
    const sealsArb = fc.array(fc.record({ length: fc.integer({ min: 1, max: 50 }), block: fc.integer({ min: 1, max: 20 }) }), { minLength: 1, maxLength: 6 })
    fc.assert(fc.property(sealsArb, fc.integer({ min: 1, max: 55 }), fc.nat(), (seals, version, seed) => {
      const writer = WRITERS[3]
      const h = line('order', 0, { synthetic: true })
      const c = new TestChain()
      const unique = seals.filter((s, i) => seals.findIndex((t) => t.length === s.length && t.block === s.block) === i)
      const rs = unique.flatMap((s) => c.seal([headOf(writer, h, s.length)], { block: s.block, filler: 1 }))
      const expected = rs.filter((r) => r.head.length >= version)
        .sort((a, b) => a.seal.blockNumber - b.seal.blockNumber || a.head.length - b.head.length)[0] ?? null
      const shuffled = [...rs].sort((a, b) => ((a.seal.blockNumber * 31 + a.head.length + seed) % 7) - ((b.seal.blockNumber * 31 + b.head.length + seed) % 7))
      const verdict = verify(inputOf({ key: writer.key.toString('hex'), version, receipts: shuffled, chain: c, replica: replicaOf(h, 60) }))
      expect(verdict.receipt).to.equal(expected)
      expect(verdict.status).to.equal(expected === null ? 'pending' : 'verified')
    }), { numRuns: 100 })
  })
})
