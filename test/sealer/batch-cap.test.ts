import { expect } from 'chai'
import fc from 'fast-check'
import { BATCH_LEAF_BYTES, cutBatch, type Cut } from '../../src/sealer/batch-cap'
import { appendN, localWriter, runCleanups, waitFor, type LocalWriter } from '../heads/helpers'
import { openService } from './helpers'

interface Item { key: string, size: number }
const hex4 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 4, maxLength: 4 })
const itemsArb = fc.uniqueArray(fc.record({ key: hex4, size: fc.integer({ min: 1, max: 500 }) }), { selector: (i) => i.key, maxLength: 60 })

describe('sealer: one batch takes what one record of the receipts log holds', () => {
  it('keeps the most it can within the limit, leaves the rest, loses none', () => {
    fc.assert(fc.property(itemsArb, fc.integer({ min: 1, max: 3000 }), fc.option(hex4, { nil: null }), (items, limit, resume) => {
      const cut = cutBatch<Item>(items, (i) => i.key, (i) => i.size, resume, limit)
      expect([...cut.kept, ...cut.left].map((i) => i.key).sort()).to.deep.equal(items.map((i) => i.key).sort())
      const bytes = cut.kept.reduce((n, i) => n + i.size, 0)
      if (cut.kept.length > 1) expect(bytes).to.be.at.most(limit)
      if (items.length > 0) expect(cut.kept.length).to.be.at.least(1)
      // Left out only when the next one would not fit.
      if (cut.left.length > 0) expect(bytes + cut.left[0].size).to.be.greaterThan(limit)
      expect(cut.resumeAfter).to.equal(cut.left.length > 0 ? cut.kept[cut.kept.length - 1].key : null)
    }), { numRuns: 500 })
  })

  it('starves no one: cores that change every pass are all sealed within as many passes as the batches they fill', () => {
    fc.assert(fc.property(itemsArb.filter((a) => a.length > 0), fc.integer({ min: 1000, max: 3000 }), (items, limit) => {
      // Every item changes before every pass (always pending): each pass cuts from where the last stopped.
      const sealed = new Set<string>()
      let resume: string | null = null
      const passes = Math.ceil(items.reduce((n, i) => n + i.size, 0) / (limit - 500)) + 1
      for (let p = 0; p < passes; p++) {
        const cut: Cut<Item> = cutBatch<Item>(items, (i) => i.key, (i) => i.size, resume, limit)
        for (const i of cut.kept) sealed.add(i.key)
        resume = cut.resumeAfter
      }
      expect(sealed.size).to.equal(items.length)
    }), { numRuns: 300 })
  })

  it('fits a 15 MiB Hypercore block with room to spare', () => {
    expect(BATCH_LEAF_BYTES).to.be.at.most(15 * 1024 * 1024 / 1.5)
  })
})

describe('sealer: many changed cores over several passes (real service)', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  it('seals two heads a pass under a two-leaf limit; the others wait, unsettled, and every core is sealed', async () => {
    const { service } = await openService({ batchLeafBytes: 1_000 })
    const writers: LocalWriter[] = []
    for (let i = 0; i < 5; i++) {
      const w = await localWriter()
      await appendN(w.core, 2 + i)
      await service.watchCore(w.key, [`127.0.0.1:${w.port}`])
      writers.push(w)
    }
    for (const [i, w] of writers.entries()) {
      await waitFor(() => service.watcher.watched().find((x) => x.key === w.key)?.length === 2 + i, `replica ${i}`)
    }
    const ours = new Set(writers.map((w) => w.key))
    const sealedByPass: string[][] = []
    for (let p = 0; p < 3; p++) {
      const pass = await service.sealNow()
      const heads = (pass.batch?.heads ?? []).map((h) => h.key).filter((k) => ours.has(k))
      sealedByPass.push(heads)
      if (p < 2) {
        expect(heads).to.have.length(2)
        expect(pass.skipped.filter((s) => /left for the next pass/.test(s.reason))).to.have.length(3 - 2 * p)
      }
    }
    expect(sealedByPass[2]).to.have.length(1)
    expect(new Set(sealedByPass.flat())).to.deep.equal(ours)
    for (const [i, w] of writers.entries()) {
      expect((await service.coreReceipts(w.key)).map((r) => r.receipt.head.length)).to.deep.equal([2 + i])
    }
    // Nothing is left: the next pass finds no change among them.
    const after = await service.sealNow()
    expect((after.batch?.heads ?? []).filter((h) => ours.has(h.key))).to.have.length(0)
  })
})
