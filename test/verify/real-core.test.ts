import { expect } from 'chai'
import type { Receipt } from '../../src/seal'
import { assess, planVerify, type ReplicaView, type VerifyInput } from '../../src/verify'
import { appendBlocks, captureHead, coreBench, type ProvableCore } from '../support/verify-real-core'
import { TestChain } from './helpers'

/**
 * End to end with real Hypercores: heads captured as the sealer does, sealed into receipts,
 * then checked against a trusted local replica (tree hashes from `core.treeHash`, fetched as
 * planVerify says) and against an untrusted remote one (its upgrade proof).
 */
describe('verify: real Hypercores, local and remote replicas', function () {
  this.timeout(20_000)
  const bench = coreBench()
  afterEach(async () => { await bench.close() })

  /** A core sealed at lengths 10 and 20, then grown to 30. */
  async function sealedRealCore (): Promise<{ core: ProvableCore, chain: TestChain, receipts: Receipt[], key: string }> {
    const core = await bench.open()
    const chain = new TestChain()
    const receipts: Receipt[] = []
    for (const length of [10, 20]) {
      await appendBlocks(core, length - core.length)
      receipts.push(...chain.seal([await captureHead(core)]))
    }
    await appendBlocks(core, 10)
    return { core, chain, receipts, key: core.key.toString('hex') }
  }

  /** The caller's side: plan, read the local replica's tree hashes, verify. */
  async function verifyLocal (core: ProvableCore, base: Omit<VerifyInput, 'replica'>): Promise<ReturnType<typeof assess>> {
    const plan = planVerify(base)
    const trees = new Map<number, string>()
    for (const length of plan.lengths) {
      if (length <= core.length) trees.set(length, (await core.treeHash(length)).toString('hex'))
    }
    const replica: ReplicaView = { length: core.length, fork: core.fork, treeHash: (await core.treeHash()).toString('hex'), treeHashAt: (l) => trees.get(l) }
    return assess({ ...base, replica })
  }

  /** The caller's side for a remote replica: ask it for the upgrade proof of the planned length. */
  async function verifyRemote (remote: ProvableCore, base: Omit<VerifyInput, 'replica'>): Promise<ReturnType<typeof assess>> {
    const [length] = planVerify(base).lengths
    const replica: ReplicaView = { length: remote.length, fork: remote.fork }
    if (length !== undefined && remote.length >= length) replica.prefixProof = await remote.proof({ upgrade: { start: 0, length } })
    return assess({ ...base, replica })
  }

  it('local: verified, then rewind after the writer truncates below the seal', async () => {
    const { core, chain, receipts, key } = await sealedRealCore()
    const at = (version: number): Omit<VerifyInput, 'replica'> => ({ key, version, receipts, chain: chain.view() })
    expect((await verifyLocal(core, at(15))).verdict.status).to.equal('verified')
    expect((await verifyLocal(core, at(25))).verdict.status).to.equal('pending')

    await core.truncate(12)
    await appendBlocks(core, 10, 'rewritten')
    expect((await verifyLocal(core, at(5))).verdict.status).to.equal('verified') // the seal at 10 is below the truncation
    expect((await verifyLocal(core, at(15))).finding).to.equal('TREE_DIFFERS_NEWER_FORK')
  })

  it('remote: verified through the proof, with the proven head reported', async () => {
    const { core, chain, receipts, key } = await sealedRealCore()
    const { verdict, finding } = await verifyRemote(core, { key, version: 7, receipts, chain: chain.view() })
    expect(finding).to.equal('MATCH')
    expect(verdict.receipt).to.equal(receipts[0])
    expect(verdict.replica).to.deep.equal({ length: 30, fork: 0, treeHash: (await core.treeHash()).toString('hex') })
  })

  it('remote: rewind when it is shorter on a newer fork, or truncated and re-appended; verified below the truncation', async () => {
    const { core, chain, receipts, key } = await sealedRealCore()
    const at = (version: number): Omit<VerifyInput, 'replica'> => ({ key, version, receipts, chain: chain.view() })
    await core.truncate(15)
    expect((await verifyRemote(core, at(18))).finding).to.equal('TRUNCATED_BELOW_SEAL')
    await appendBlocks(core, 10, 'rewritten')
    const rewound = await verifyRemote(core, at(18))
    expect(rewound.finding).to.equal('TREE_DIFFERS_NEWER_FORK')
    expect(rewound.verdict.replica).to.deep.include({ length: 25, fork: 1 })
    expect((await verifyRemote(core, at(8))).finding).to.equal('MATCH')

  })

  it('remote: fork when a second writer of the same key signed another history', async () => {
    const { core, chain, receipts, key } = await sealedRealCore()
    const twin = await bench.open(core.keyPair)
    await appendBlocks(twin, 24, 'twin')
    const { verdict, finding } = await verifyRemote(twin, { key, version: 15, receipts, chain: chain.view() })
    expect(finding).to.equal('TREE_DIFFERS_SAME_FORK')
    expect(verdict.status).to.equal('fork')
  })

  it('remote: invalid when its proof does not verify', async () => {
    const { core, chain, receipts, key } = await sealedRealCore()
    const proof = await core.proof({ upgrade: { start: 0, length: 20 } })
    const tampered = { ...proof, upgrade: { ...proof.upgrade!, signature: Buffer.alloc(68, 1) } }
    const { verdict, finding } = assess({ key, version: 15, receipts, chain: chain.view(), replica: { length: 30, fork: 0, prefixProof: tampered } })
    expect(finding).to.equal('BAD_PREFIX_PROOF')
    expect(verdict.status).to.equal('invalid')
    expect(verdict.replica).to.deep.equal({ length: 30, fork: 0, treeHash: null })
  })
})
