import { expect } from 'chai'
import { treeNodeToJson, type Receipt } from '../../src/seal'
import { assess, planVerify, type ReplicaView, type SealedRoots, type UpgradeProof, type VerifyInput } from '../../src/verify'
import { appendBlocks, captureHead, coreBench, type ProvableCore } from '../support/verify-real-core'
import { TRUST, TestChain } from './helpers'

/**
 * End to end with real Hypercores: heads captured as the sealer does, sealed into receipts,
 * then checked against a trusted local replica (tree hashes from `core.treeHash`, fetched as
 * planVerify says) and against an untrusted remote one (its upgrade proof).
 */
describe('verify: real Hypercores, local and remote replicas', function () {
  this.timeout(20_000)
  const bench = coreBench()
  afterEach(async () => { await bench.close() })

  /** A core sealed at lengths 10 and 20 (the ledger keeps each seal's roots), then grown to 30. */
  async function sealedRealCore (): Promise<{ core: ProvableCore, chain: TestChain, receipts: Receipt[], key: string, sealedRoots: SealedRoots[] }> {
    const core = await bench.open()
    const chain = new TestChain()
    const receipts: Receipt[] = []
    const sealedRoots: SealedRoots[] = []
    for (const length of [10, 20]) {
      await appendBlocks(core, length - core.length)
      const head = await captureHead(core)
      receipts.push(...chain.seal([head]))
      const roots = (await core.proof({ upgrade: { start: 0, length } })).upgrade!.nodes
      sealedRoots.push({ length, treeHash: head.treeHash.toString('hex'), roots: roots.map((n) => treeNodeToJson({ index: n.index, size: n.size, hash: Buffer.from(n.hash as Uint8Array) })) })
    }
    await appendBlocks(core, 10)
    return { core, chain, receipts, key: core.key.toString('hex'), sealedRoots }
  }

  /** The caller's side: plan, read the local replica's tree hashes, verify. */
  async function verifyLocal (core: ProvableCore, base: Omit<VerifyInput, 'replica'>): Promise<ReturnType<typeof assess>> {
    const plan = planVerify({ ...base, replica: { length: core.length } })
    const trees = new Map<number, string>()
    for (const length of plan.lengths) {
      if (length <= core.length) trees.set(length, (await core.treeHash(length)).toString('hex'))
    }
    const replica: ReplicaView = { length: core.length, fork: core.fork, treeHash: (await core.treeHash()).toString('hex'), treeHashAt: (l) => trees.get(l) }
    return assess({ ...base, replica })
  }

  /** The caller's side for a remote replica: its head first, then an upgrade proof for each planned length. */
  async function verifyRemote (remote: ProvableCore, base: Omit<VerifyInput, 'replica'>, alter = (p: UpgradeProof): UpgradeProof => p): Promise<ReturnType<typeof assess>> {
    const plan = planVerify({ ...base, replica: { length: remote.length } })
    const proofs: Record<number, UpgradeProof> = {}
    for (const length of plan.lengths) proofs[length] = alter(await remote.proof({ upgrade: { start: 0, length } }))
    return assess({ ...base, replica: { length: remote.length, fork: remote.fork, proofs } })
  }

  it('local: verified, then rewind after the writer truncates below the seal', async () => {
    const { core, chain, receipts, key } = await sealedRealCore()
    const at = (version: number): Omit<VerifyInput, 'replica'> => ({ key, version, receipts, chain: chain.view(), trust: TRUST })
    expect((await verifyLocal(core, at(15))).verdict.status).to.equal('verified')
    expect((await verifyLocal(core, at(25))).verdict.status).to.equal('pending')

    await core.truncate(12)
    await appendBlocks(core, 10, 'rewritten')
    expect((await verifyLocal(core, at(5))).verdict.status).to.equal('verified') // the seal at 10 is below the truncation
    expect((await verifyLocal(core, at(15))).finding).to.equal('TREE_DIFFERS_NEWER_FORK')
  })

  it('remote: verified through the proof, with the proven head reported', async () => {
    const { core, chain, receipts, key } = await sealedRealCore()
    const { verdict, finding } = await verifyRemote(core, { key, version: 7, receipts, chain: chain.view(), trust: TRUST })
    expect(finding).to.equal('MATCH')
    expect(verdict.receipt).to.equal(receipts[0])
    expect(verdict.replica).to.deep.equal({ length: 30, fork: 0, treeHash: (await core.treeHash()).toString('hex') })
  })

  it('remote: rewind when it is shorter on a newer fork, or truncated and re-appended; verified below the truncation', async () => {
    const { core, chain, receipts, key, sealedRoots } = await sealedRealCore()
    const at = (version: number): Omit<VerifyInput, 'replica'> => ({ key, version, receipts, chain: chain.view(), trust: TRUST, sealedRoots })
    await core.truncate(15)
    expect((await verifyRemote(core, at(18))).finding).to.equal('TRUNCATED_BELOW_SEAL')
    await appendBlocks(core, 10, 'rewritten')
    const rewound = await verifyRemote(core, at(18))
    expect(rewound.finding).to.equal('TREE_DIFFERS_NEWER_FORK')
    expect(rewound.verdict.replica).to.deep.include({ length: 25, fork: 1 })
    expect((await verifyRemote(core, at(8))).finding).to.equal('MATCH')
    // Without the sealed roots a longer peer's mismatch proves nothing about the writer.
    expect((await verifyRemote(core, { ...at(18), sealedRoots: [] })).finding).to.equal('PEER_PROOF_INCONCLUSIVE')
  })

  it('remote: fork when a second writer of the same key signed another history, once the proof binds the sealed roots', async () => {
    const { core, chain, receipts, key, sealedRoots } = await sealedRealCore()
    const twin = await bench.open(core.keyPair)
    await appendBlocks(twin, 20, 'twin')
    const base = { key, version: 15, receipts, chain: chain.view(), trust: TRUST }
    // At exactly the sealed length every root is signed with its size: conclusive.
    expect((await verifyRemote(twin, base)).finding).to.equal('TREE_DIFFERS_SAME_FORK')
    await appendBlocks(twin, 4, 'twin')
    // Longer: the roots of 20 merge under new parents; only the ledger's sealed roots settle it.
    expect((await verifyRemote(twin, base)).finding).to.equal('PEER_PROOF_INCONCLUSIVE')
    const { verdict, finding } = await verifyRemote(twin, { ...base, sealedRoots })
    expect(finding).to.equal('TREE_DIFFERS_SAME_FORK')
    expect(verdict.status).to.equal('fork')
  })

  it('remote: a proof whose sizes were shifted between merged siblings never frames the writer', async () => {
    const { core, chain, receipts, key, sealedRoots } = await sealedRealCore()
    await appendBlocks(core, 2) // 32: the root of [16, 19] merges with its sibling [20, 23]
    const base = { key, version: 15, receipts, chain: chain.view(), trust: TRUST }
    const shift = (p: UpgradeProof): UpgradeProof => {
      const up = p.upgrade!
      if (up.length !== 20) return p
      const sibling = up.additionalNodes!.find((n) => n.index === 43)!
      return {
        ...p,
        upgrade: {
          ...up,
          nodes: up.nodes.map((n) => (n.index === 35 ? { ...n, size: n.size + 1 } : n)),
          additionalNodes: up.additionalNodes!.map((n) => (n === sibling ? { ...n, size: n.size - 1 } : n))
        }
      }
    }
    expect((await verifyRemote(core, base)).finding).to.equal('MATCH')
    const framed = await verifyRemote(core, base, shift)
    expect(framed.finding).to.equal('PEER_PROOF_INCONCLUSIVE')
    expect(framed.verdict.status).to.equal('invalid')
    expect(framed.verdict.reason).to.match(/peer's proof does not establish/)
    // With the sealed roots, equal node hashes show the blocks are the sealed ones.
    expect((await verifyRemote(core, { ...base, sealedRoots }, shift)).finding).to.equal('MATCH')
  })

  it('remote: invalid when its proof does not verify', async () => {
    const { core, chain, receipts, key } = await sealedRealCore()
    const proof = await core.proof({ upgrade: { start: 0, length: 20 } })
    const tampered = { ...proof, upgrade: { ...proof.upgrade!, signature: Buffer.alloc(68, 1) } }
    const { verdict, finding } = assess({ key, version: 15, receipts, chain: chain.view(), trust: TRUST, replica: { length: 30, fork: 0, proofs: { 20: tampered } } })
    expect(finding).to.equal('BAD_PREFIX_PROOF')
    expect(verdict.status).to.equal('invalid')
    expect(verdict.replica).to.deep.equal({ length: 30, fork: 0, treeHash: null })
  })
})
