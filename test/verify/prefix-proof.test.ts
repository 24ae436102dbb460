import { expect } from 'chai'
import * as flat from 'flat-tree'
import { verifyPrefixProof, type PrefixProofCheck, type ProofNode, type UpgradeProof } from '../../src/verify'
import { appendBlocks, coreBench, type ProvableCore } from '../support/verify-real-core'
import { codeOf } from './helpers'

type Upgrade = NonNullable<UpgradeProof['upgrade']>

/** A deep copy whose upgrade can be edited freely. */
function copy (proof: UpgradeProof): UpgradeProof & { upgrade: Upgrade & { additionalNodes: ProofNode[], nodes: ProofNode[] } } {
  const up = proof.upgrade!
  const node = (n: ProofNode): ProofNode => ({ index: n.index, size: n.size, hash: Buffer.from(n.hash as Uint8Array) })
  return {
    fork: proof.fork,
    upgrade: {
      start: up.start,
      length: up.length,
      nodes: up.nodes.map(node),
      additionalNodes: (up.additionalNodes ?? []).map(node),
      signature: Buffer.from(up.signature as Uint8Array)
    }
  }
}

function flipped (bytes: Uint8Array | string, at = 3): Buffer {
  const out = Buffer.from(bytes as Uint8Array)
  out[at % out.length] ^= 0x01
  return out
}

describe('verify: prefix proofs from a real Hypercore', function () {
  this.timeout(20_000)
  const bench = coreBench()
  let core: ProvableCore
  const trees = new Map<number, Buffer>()

  const check = async (A: number, opts: { sealed?: Buffer, proof?: unknown, on?: ProvableCore } = {}): Promise<PrefixProofCheck> => {
    const on = opts.on ?? core
    return verifyPrefixProof({
      key: on.key,
      manifest: on.getManifest({ raw: true })!,
      sealedLength: A,
      sealedTreeHash: opts.sealed ?? trees.get(A)!,
      proof: 'proof' in opts ? opts.proof : await on.proof({ upgrade: { start: 0, length: A } })
    })
  }

  before(async () => {
    core = await bench.open()
  })
  after(async () => { await bench.close() })

  it('accepts every proof { start: 0, length: A } for several A ≤ B, including A = B', async () => {
    const lengths = [1, 2, 3, 5, 8, 13, 16, 20, 31, 32, 33, 47]
    let checked = 0
    for (const B of [1, 5, 16, 33, 47]) {
      await appendBlocks(core, B - core.length)
      for (const A of lengths.filter((a) => a <= B)) {
        if (!trees.has(A)) trees.set(A, await core.treeHash(A))
        const result = await check(A)
        if (!result.ok) expect.fail(`A=${A} B=${B}: ${result.code} ${result.reason}`)
        expect(result.remote).to.deep.equal({
          key: core.key.toString('hex'),
          length: B,
          fork: 0,
          treeHash: (await core.treeHash(B)).toString('hex'),
          signature: core.state.signature!.toString('hex'),
          manifest: core.getManifest({ raw: true })!.toString('hex')
        })
        checked++
      }
    }
    expect(checked).to.equal(35)
  })

  it('accepts hashes and the signature as hex (a proof sent as JSON)', async () => {
    const proof = copy(await core.proof({ upgrade: { start: 0, length: 13 } }))
    const hex = (n: ProofNode): ProofNode => ({ ...n, hash: Buffer.from(n.hash as Uint8Array).toString('hex') })
    const json = { fork: proof.fork, upgrade: { ...proof.upgrade, nodes: proof.upgrade.nodes.map(hex), additionalNodes: proof.upgrade.additionalNodes.map(hex), signature: Buffer.from(proof.upgrade.signature as Uint8Array).toString('hex') } }
    expect((await check(13, { proof: JSON.parse(JSON.stringify(json)) })).ok).to.equal(true)
  })

  describe('rejects', () => {
    // A = 13 of B = 47: the roots of A are 7, 19, 24; the additional nodes 26, 29 grow them into
    // root 31 (blocks 0..31), and 47 (16..31), 71 (32..39), 83 (40..43), 89 (44..45), 92 (46)
    // complete it and add the other roots of B.
    let proof: ReturnType<typeof copy>
    const A = 13
    before(async () => {
      proof = copy(await core.proof({ upgrade: { start: 0, length: A } }))
      expect(proof.upgrade.nodes.map((n) => n.index)).to.deep.equal([7, 19, 24])
      expect(proof.upgrade.additionalNodes.map((n) => n.index)).to.deep.equal([26, 29, 47, 71, 83, 89, 92])
    })
    const codeFor = async (edit: (p: ReturnType<typeof copy>) => void, sealed?: Buffer): Promise<string> => {
      const p = copy(proof)
      edit(p)
      const result = await check(A, { proof: p, ...(sealed ? { sealed } : {}) })
      return result.ok ? 'OK' : result.code
    }

    it('the untouched proof (control)', async () => {
      expect(await codeFor(() => {})).to.equal('OK')
    })

    it('a wrong sealed tree hash: TREE_MISMATCH with the remote signed head as evidence', async () => {
      const result = await check(A, { proof, sealed: flipped(trees.get(A)!) })
      expect(result.ok).to.equal(false)
      if (result.ok || result.code !== 'TREE_MISMATCH') return expect.fail('expected TREE_MISMATCH')
      expect(result.remote.length).to.equal(47)
      expect(result.treeHashAtSealed).to.equal(trees.get(A)!.toString('hex'))
      expect(await codeFor(() => {}, trees.get(8))).to.equal('TREE_MISMATCH')
    })

    const cases: Array<[string, (p: ReturnType<typeof copy>) => void, string]> = [
      ['a tampered root of A', (p) => { p.upgrade.nodes[1].hash = flipped(p.upgrade.nodes[1].hash) }, 'BAD_SIGNATURE'],
      ['a tampered additional node', (p) => { p.upgrade.additionalNodes[0].hash = flipped(p.upgrade.additionalNodes[0].hash) }, 'BAD_SIGNATURE'],
      ['a tampered size of a root of B', (p) => { p.upgrade.additionalNodes[p.upgrade.additionalNodes.length - 1].size += 1 }, 'BAD_SIGNATURE'],
      ['a tampered signature', (p) => { p.upgrade.signature = flipped(p.upgrade.signature, 10) }, 'BAD_SIGNATURE'],
      ['a truncated signature', (p) => { p.upgrade.signature = Buffer.from(p.upgrade.signature as Uint8Array).subarray(0, 60) }, 'BAD_SIGNATURE'],
      ['a wrong fork id', (p) => { p.fork += 1 }, 'BAD_SIGNATURE'],
      ['a root of A repeated as an additional node', (p) => { p.upgrade.additionalNodes.push({ ...p.upgrade.nodes[0] }) }, 'BAD_PROOF'],
      ['an additional node inside blocks 0..A-1', (p) => { p.upgrade.additionalNodes.unshift({ index: 22, size: 1, hash: Buffer.alloc(32) }) }, 'BAD_PROOF'],
      ['an additional node under another one (blocks 16..23 under 47)', (p) => { p.upgrade.additionalNodes.push({ index: flat.leftChild(47), size: 1, hash: Buffer.alloc(32) }) }, 'BAD_PROOF'],
      ['an additional node over others (blocks 40..47 over 83, 89, 92)', (p) => { p.upgrade.additionalNodes.push({ index: 87, size: 1, hash: Buffer.alloc(32) }) }, 'BAD_PROOF'],
      ['a missing additional node', (p) => { p.upgrade.additionalNodes.splice(0, 1) }, 'BAD_PROOF'],
      ['an additional node far to the right', (p) => { p.upgrade.additionalNodes.push({ index: 2 * 200, size: 1, hash: Buffer.alloc(32) }) }, 'BAD_PROOF'],
      ['a missing root of A', (p) => { p.upgrade.nodes.pop() }, 'BAD_PROOF'],
      ['roots of A out of order', (p) => { p.upgrade.nodes.reverse() }, 'BAD_PROOF'],
      ['another start', (p) => { p.upgrade.start = 1 }, 'BAD_PROOF'],
      ['another length', (p) => { p.upgrade.length = A + 1 }, 'BAD_PROOF'],
      ['a 31-byte hash', (p) => { p.upgrade.nodes[0].hash = Buffer.alloc(31) }, 'BAD_PROOF'],
      ['a negative size', (p) => { p.upgrade.nodes[0].size = -1 }, 'BAD_PROOF'],
      ['no signature', (p) => { p.upgrade.signature = Buffer.alloc(0) }, 'BAD_PROOF'],
      ['no upgrade', (p) => { (p as { upgrade: unknown }).upgrade = null }, 'BAD_PROOF']
    ]
    for (const [name, edit, code] of cases) {
      it(`${name}: ${code}`, async () => { expect(await codeFor(edit)).to.equal(code) })
    }

    it('something that is not a proof: BAD_PROOF', async () => {
      for (const proofValue of [null, 42, 'proof', [], { fork: -1, upgrade: {} }]) {
        const result = await check(A, { proof: proofValue })
        expect(result.ok ? 'OK' : result.code).to.equal('BAD_PROOF')
      }
    })

    it('shifted byte sizes: a dishonest replica can fake a mismatch (documented limit), never a match', async () => {
      // Root 24 (block 12) merges with additional node 26 in B's tree: only their sum is bound.
      const shifted = await codeFor((p) => {
        const sibling = p.upgrade.additionalNodes.find((n) => n.index === 26)!
        p.upgrade.nodes[2].size += 1
        sibling.size -= 1
      })
      expect(shifted).to.equal('TREE_MISMATCH')
      // When A = B every root of A is a root of the signed head: the same shift breaks the signature.
      const top = copy(await core.proof({ upgrade: { start: 0, length: 47 } }))
      top.upgrade.nodes[0].size += 1
      top.upgrade.nodes[1].size -= 1
      expect((await check(47, { proof: top })).ok ? 'OK' : 'rejected').to.equal('rejected')
    })

    it('malformed trusted input throws BAD_INPUT', async () => {
      const manifest = core.getManifest({ raw: true })!
      const base = { key: core.key, manifest, sealedLength: A, sealedTreeHash: trees.get(A)!, proof }
      expect(codeOf(() => verifyPrefixProof({ ...base, sealedLength: 0 }))).to.equal('BAD_INPUT')
      expect(codeOf(() => verifyPrefixProof({ ...base, key: flipped(core.key) }))).to.equal('BAD_INPUT')
      expect(codeOf(() => verifyPrefixProof({ ...base, manifest: Buffer.from([2, 0]) }))).to.equal('BAD_INPUT')
      expect(codeOf(() => verifyPrefixProof({ ...base, sealedTreeHash: 'zz' }))).to.equal('BAD_INPUT')
      expect(codeOf(() => verifyPrefixProof(null as never))).to.equal('BAD_INPUT')
    })
  })

  it('after a truncate: the kept prefix still proves (fork 1), the rewritten one does not', async () => {
    const other = await bench.open()
    await appendBlocks(other, 20)
    const before8 = await other.treeHash(8)
    const before15 = await other.treeHash(15)
    await other.truncate(10)
    await appendBlocks(other, 12, 'rewritten')
    expect(other.fork).to.equal(1)
    const kept = await check(8, { on: other, sealed: before8 })
    expect(kept.ok && kept.remote.fork).to.equal(1)
    const lost = await check(15, { on: other, sealed: before15 })
    expect(lost.ok ? 'OK' : lost.code).to.equal('TREE_MISMATCH')
  })

  it('two writers of one key (a fork): the other writer\'s signed head shows another tree', async () => {
    const first = await bench.open()
    await appendBlocks(first, 12, 'first')
    const second = await bench.open(first.keyPair)
    expect(second.key.equals(first.key)).to.equal(true)
    await appendBlocks(second, 12, 'second')
    const result = await check(12, { on: second, sealed: await first.treeHash(12) })
    if (result.ok || result.code !== 'TREE_MISMATCH') return expect.fail('expected TREE_MISMATCH')
    expect(result.remote.fork).to.equal(0)
    expect(result.remote.length).to.equal(12)
  })
})
