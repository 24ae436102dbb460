/** The anchor tree over batch roots and the v2 receipt's anchors (src/seal anchor.ts, receipt.ts), pure. */
import { expect } from 'chai'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { anchorIncludes, buildAnchorTree, parseReceipt, SealError, withAnchors, type EvmAnchor, type Receipt } from '../../src/seal'

const root = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => '0x' + Buffer.from(b).toString('hex'))
const v1 = (): Receipt => parseReceipt(JSON.parse(readFileSync(join(__dirname, '../fixtures/receipt-v1.json'), 'utf8')))

function anchorOf (roots: string[], batchRoot: string): EvmAnchor {
  const tree = buildAnchorTree(roots)
  return {
    type: 'evm',
    name: 'l1',
    seal: { chainId: 31338, contract: '0x' + '11'.repeat(20), root: tree.root, leafCount: tree.leafCount, txHash: '0x' + '22'.repeat(32), blockNumber: 7, blockHash: '0x' + '33'.repeat(32), timestamp: 1764000000 },
    proof: tree.proofFor(batchRoot)
  }
}

describe('anchors: the tree over batch roots', () => {
  it('every batch root of an anchor is provable in it; a root that is not in it is not (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(root, { minLength: 1, maxLength: 40 }), root, (roots, other) => {
      for (const r of roots) expect(anchorIncludes(anchorOf(roots, r), r)).to.equal(true)
      fc.pre(!roots.includes(other))
      expect(anchorIncludes(anchorOf(roots, roots[0]), other)).to.equal(false)
    }), { numRuns: 50 })
  })

  it('refuses an empty anchor and a duplicated root', () => {
    expect(() => buildAnchorTree([])).to.throw(SealError)
    expect(() => buildAnchorTree(['0x' + '44'.repeat(32), '0x' + '44'.repeat(32)])).to.throw(SealError)
  })

  it('a v2 receipt round-trips through JSON; a v1 receipt with no anchor stays v1', () => {
    const r = v1()
    expect(withAnchors(r, [])).to.equal(r)
    const anchored = withAnchors(r, [anchorOf([r.seal.root, '0x' + '55'.repeat(32)], r.seal.root), { type: 'rfc3161', name: 'tsa', token: 'MIIB', time: '2026-11-30T12:00:00.000Z' }])
    expect(anchored.v).to.equal(2)
    expect(parseReceipt(JSON.parse(JSON.stringify(anchored)))).to.deep.equal(anchored)
  })

  it('refuses malformed anchors (strict, like v1)', () => {
    const base = JSON.parse(JSON.stringify(withAnchors(v1(), [anchorOf([v1().seal.root], v1().seal.root)]))) as Record<string, unknown> & { anchors: Array<Record<string, unknown>> }
    const bad = (change: (a: Record<string, unknown>) => void): void => {
      const copy = JSON.parse(JSON.stringify(base)) as typeof base
      change(copy.anchors[0])
      expect(() => parseReceipt(copy)).to.throw(SealError)
    }
    bad((a) => { a.type = 'sundial' })
    bad((a) => { a.extra = 1 })
    bad((a) => { a.name = 'a b' })
    bad((a) => { a.proof = ['0x12'] })
    bad((a) => { delete a.seal })
    expect(() => parseReceipt({ ...base, anchors: 'x' })).to.throw(SealError)
    expect(() => parseReceipt({ ...base, v: 1 })).to.throw(SealError) // v1 has no anchors
    expect(() => parseReceipt({ ...base, anchors: [{ type: 'rfc3161', name: 'tsa', token: '!!', time: '2026-11-30T12:00:00.000Z' }] })).to.throw(SealError)
  })
})
