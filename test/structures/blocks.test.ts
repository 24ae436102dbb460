import { expect } from 'chai'
import fc from 'fast-check'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import Hyperbee from 'hyperbee'
import { decodeNode, lookup, proofNodeIndexes, treeHashFromBlocks, leafNode, type BeeNode } from '../../src/proof'
import { TreeFault } from '../../src/seal'
import { onCleanup, runCleanups, tempDir } from '../heads/helpers'

type CoreNode = { index: number, size: number, hash: Buffer }

/** The nodes a proof of `indexes` at `length` carries, read from Hypercore's own block proofs. */
async function nodesFor (core: Hypercore, length: number, indexes: number[]): Promise<CoreNode[]> {
  const wanted = proofNodeIndexes(length, indexes)
  const found = new Map<number, CoreNode>()
  for (const index of indexes) {
    const p = await core.proof({ block: { index, nodes: 0 }, upgrade: { start: 0, length } }) as { block: { nodes: CoreNode[] }, upgrade: { nodes: CoreNode[] } }
    for (const n of [...p.block.nodes, ...p.upgrade.nodes]) found.set(n.index, n)
  }
  return wanted.map((i) => found.get(i)!)
}

async function openCore (): Promise<Hypercore> {
  const store = new Corestore(tempDir('hs-struct-'))
  onCleanup(() => store.close())
  const core = store.get({ name: 'c' })
  await core.ready()
  return core
}

describe('src/proof: blocks folded into a real Hypercore tree', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('the blocks, their leaves and the fewest nodes give Hypercore\'s own tree hash at every length; any flipped byte does not', async () => {
    const core = await openCore()
    const blocks: Buffer[] = []
    for (let i = 0; i < 70; i++) blocks.push(Buffer.from(`block ${i} ${'x'.repeat(i % 7)}`))
    await core.append(blocks)
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 70 }).chain((length) => fc.tuple(fc.constant(length), fc.uniqueArray(fc.integer({ min: 0, max: length - 1 }), { minLength: 1, maxLength: 6 }))),
      fc.nat(),
      async ([length, indexes], flip) => {
        const nodes = await nodesFor(core, length, indexes)
        const proven = indexes.map((index) => ({ index, data: blocks[index] }))
        const expected = await core.treeHash(length)
        expect(treeHashFromBlocks(length, proven, nodes).equals(expected)).to.equal(true)
        // A flipped byte in a block or a node's hash gives another tree (or a refusal), never the sealed one.
        const which = flip % (proven.length + nodes.length)
        if (which < proven.length) {
          const data = Buffer.from(proven[which].data)
          data[flip % data.byteLength] ^= 1
          const bad = proven.map((b, i) => i === which ? { index: b.index, data } : b)
          expect(treeHashFromBlocks(length, bad, nodes).equals(expected)).to.equal(false)
        } else {
          const n = nodes[which - proven.length]
          const hash = Buffer.from(n.hash)
          hash[flip % 32] ^= 1
          const bad = nodes.map((m) => m === n ? { ...n, hash } : m)
          expect(treeHashFromBlocks(length, proven, bad).equals(expected)).to.equal(false)
        }
      }
    ), { numRuns: 60 })
  })

  it('refuses a node that hides a block, a block past the length, a missing node and a node given twice', async () => {
    const core = await openCore()
    const blocks = Array.from({ length: 8 }, (_, i) => Buffer.from(`b${i}`))
    await core.append(blocks)
    const nodes = await nodesFor(core, 8, [2])
    const fold = (b: Array<{ index: number, data: Buffer }>, n: CoreNode[]): unknown => treeHashFromBlocks(8, b, n)
    expect(() => fold([{ index: 2, data: blocks[2] }], nodes)).not.to.throw()
    // The root node 7 over blocks 0..7 would make any block 2 "fit": it must be refused.
    const rootNode = { index: 7, size: 16, hash: await core.treeHash(8) }
    expect(() => fold([{ index: 2, data: Buffer.from('forged') }], [rootNode])).to.throw(TreeFault)
    expect(() => fold([{ index: 8, data: blocks[0] }], nodes)).to.throw(TreeFault)
    expect(() => fold([{ index: 2, data: blocks[2] }], nodes.slice(1))).to.throw(TreeFault)
    expect(() => fold([{ index: 2, data: blocks[2] }], [...nodes, nodes[0]])).to.throw(TreeFault)
    expect(leafNode(3, blocks[3]).index).to.equal(6)
  })
})

describe('src/proof: the Hyperbee lookup walks what hyperbee get walks', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('agrees with hyperbee checkout(v).get(k) for puts, overwrites and deletions at every version', async () => {
    const core = await openCore()
    const bee = new Hyperbee(core, { keyEncoding: 'utf-8', valueEncoding: 'utf-8' })
    await bee.ready()
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ key: fc.integer({ min: 0, max: 40 }), del: fc.boolean(), value: fc.string({ maxLength: 8 }) }), { minLength: 1, maxLength: 30 }),
      async (ops) => {
        for (const op of ops) {
          if (op.del) await bee.del(`k${op.key}`)
          else await bee.put(`k${op.key}`, op.value)
        }
      }
    ), { numRuns: 8 })
    const length = core.length
    const cache = new Map<number, BeeNode>()
    const read = async (seq: number): Promise<BeeNode> => {
      let n = cache.get(seq)
      if (n === undefined) cache.set(seq, n = decodeNode((await core.get(seq))!))
      return n
    }
    for (let v = 1; v <= length; v += Math.max(1, Math.floor(length / 25))) {
      const checkout = bee.checkout(v)
      for (let k = 0; k <= 40; k += 3) {
        const key = Buffer.from(`k${k}`)
        const walk = lookup(key, v)
        let step = walk.next()
        while (step.done !== true) step = walk.next(await read(step.value))
        const ours = step.value === null || step.value.node.value === null ? null : Buffer.from(step.value.node.value).toString()
        const theirs = await checkout.get(`k${k}`)
        expect(ours, `k${k} at version ${v}`).to.equal(theirs === null ? null : theirs.value)
      }
      await checkout.close()
    }
  })
})
