/**
 * Agreement proofs against a real Hypercore: a history of 10 blocks is sealed, then rewound
 * to 8 and rewritten to 12 on fork 1. The roots of 8 with each history's own upgrade-proof
 * nodes prove that both signed heads hold blocks 0..7; any altered byte or a root of another
 * length is refused.
 */
import { expect } from 'chai'
import { checkAgreement, headToJson, type Agreement, type HeadJson } from '../../src/seal'
import { appendBlocks, captureHead, openTempStore, type RealCore, type TempStore } from '../support/seal-real-core'

interface ProofNode { index: number, size: number, hash: Buffer }
interface UpgradeProof { upgrade: { nodes: ProofNode[], additionalNodes: ProofNode[] } }

const json = (nodes: ProofNode[]): Agreement['roots'] => nodes.map((n) => ({ index: n.index, size: n.size, hash: Buffer.from(n.hash).toString('hex') }))

async function upgradeProof (core: RealCore, length: number): Promise<UpgradeProof> {
  return await (core as unknown as { proof (opts: unknown): Promise<UpgradeProof> }).proof({ upgrade: { start: 0, length } })
}

describe('agreement proofs (real Hypercore)', function () {
  let temp: TempStore
  let sealed: HeadJson
  let observed: HeadJson
  let agreed: Agreement

  before(async function () {
    temp = await openTempStore()
    const core = await temp.core('rewound')
    await appendBlocks(core, 10, 'original')
    sealed = headToJson(await captureHead(core))
    const before = await upgradeProof(core, 8)
    await core.truncate(8)
    await appendBlocks(core, 4, 'rewritten')
    observed = headToJson(await captureHead(core))
    const after = await upgradeProof(core, 8)
    expect(observed.fork).to.equal(1)
    agreed = { length: 8, roots: json(before.upgrade.nodes), sealedNodes: json(before.upgrade.additionalNodes), observedNodes: json(after.upgrade.additionalNodes) }
  })

  after(async function () {
    await temp.close()
  })

  it('proves that both heads hold blocks 0..7', function () {
    const check = checkAgreement(agreed, sealed, observed)
    expect(check.ok, check.ok ? '' : check.reason).to.equal(true)
    if (check.ok) expect(check.agreement).to.deep.equal(agreed)
  })

  it('an absent agreement proves nothing; length 0 carries no nodes', function () {
    const none = checkAgreement(undefined, sealed, observed)
    expect(none.ok && none.agreement.length).to.equal(0)
    expect(checkAgreement({ length: 0, roots: agreed.roots, sealedNodes: [], observedNodes: [] }, sealed, observed).ok).to.equal(false)
  })

  it('refuses swapped sides, altered hashes and sizes, and a length the roots are not of', function () {
    expect(checkAgreement({ ...agreed, sealedNodes: agreed.observedNodes, observedNodes: agreed.sealedNodes }, sealed, observed).ok).to.equal(false)
    const flip = (h: string): string => (h[0] === '0' ? '1' : '0') + h.slice(1)
    expect(checkAgreement({ ...agreed, roots: [{ ...agreed.roots[0], hash: flip(agreed.roots[0].hash) }] }, sealed, observed).ok).to.equal(false)
    expect(checkAgreement({ ...agreed, roots: [{ ...agreed.roots[0], size: agreed.roots[0].size + 1 }] }, sealed, observed).ok).to.equal(false)
    const nodes = agreed.observedNodes.map((n, i) => (i === 0 ? { ...n, hash: flip(n.hash) } : n))
    expect(checkAgreement({ ...agreed, observedNodes: nodes }, sealed, observed).ok).to.equal(false)
    expect(checkAgreement({ ...agreed, length: 9 }, sealed, observed).ok).to.equal(false)
    expect(checkAgreement({ ...agreed, length: 11 }, sealed, observed).ok).to.equal(false)
    expect(checkAgreement('8', sealed, observed).ok).to.equal(false)
  })
})
