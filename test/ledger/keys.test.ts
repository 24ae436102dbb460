import { expect } from 'chai'
import fc from 'fast-check'
import { openDataDir, ReceiptsLog, type DataDir } from '../../src/ledger'
// The key encoding is internal to src/ledger; its order is what makes every query one range read.
import { isoTime, pad, receiptKey, receiptLengthPrefix } from '../../src/ledger/keys'
import type { HeadJson } from '../../src/seal'
import { expectCode, HeadSource, sealedBatch, TempDirs } from './helpers'

const MAX = Number.MAX_SAFE_INTEGER
const KEY = 'ab'.repeat(32)

describe('ledger: key encoding', function () {
  it('keeps numeric order for every pair of safe lengths, whatever the batch and fork', function () {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: MAX }),
      fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }),
      (x, y, seqX, seqY, forkX, forkY) => {
        fc.pre(x !== y)
        const [a, b] = x < y ? [x, y] : [y, x]
        expect(pad(a) < pad(b)).to.equal(true)
        expect(pad(a)).to.have.length(16)
        expect(receiptKey(KEY, a, seqX, forkX) < receiptKey(KEY, b, seqY, forkY)).to.equal(true)
        // "≥ v" starts at the bare length prefix, which sorts before every key at that length.
        expect(receiptLengthPrefix(KEY, b) <= receiptKey(KEY, b, seqX, forkX)).to.equal(true)
        expect(receiptLengthPrefix(KEY, b) > receiptKey(KEY, a, seqY, forkY)).to.equal(true)
      }
    ), { numRuns: 1000 })
  })

  it('keeps time order for ISO times from year 0 to 9999', function () {
    const ms = fc.integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') })
    fc.assert(fc.property(ms, ms, (x, y) => {
      fc.pre(x !== y)
      const [a, b] = x < y ? [x, y] : [y, x]
      expect(isoTime(new Date(a)) < isoTime(new Date(b))).to.equal(true)
    }), { numRuns: 2000 })
  })

  it('refuses what cannot be ordered (BAD_INPUT)', async function () {
    for (const n of [-1, 1.5, MAX + 1, NaN]) await expectCode(() => pad(n), 'BAD_INPUT')
    for (const t of ['+010000-01-01T00:00:00.000Z', 'not a date', '']) await expectCode(() => isoTime(t), 'BAD_INPUT')
    expect(isoTime('2026-01-01')).to.equal('2026-01-01T00:00:00.000Z')
  })
})

describe('ledger: receipts log against a naive model', function () {
  const dirs = new TempDirs()
  const MAX_LENGTH = 40
  let dataDir: DataDir
  let sources: HeadSource[]
  let heads: HeadJson[][]
  let run = 0

  before(async function () {
    dataDir = await openDataDir(dirs.make())
    sources = [await HeadSource.create(dataDir.store, 'model-a'), await HeadSource.create(dataDir.store, 'model-b')]
    const lengths = Array.from({ length: MAX_LENGTH }, (_, i) => i + 1)
    heads = await Promise.all(sources.map(async (s) => [undefined as unknown as HeadJson, ...await s.all(lengths)]))
  })

  after(async function () {
    await dataDir.close()
    dirs.cleanup()
  })

  // A batch seals core 0 and/or core 1 at some length; batches are distinct so each root is new.
  const batchArb = fc.tuple(fc.option(fc.integer({ min: 1, max: MAX_LENGTH })), fc.option(fc.integer({ min: 1, max: MAX_LENGTH })))
    .filter(([x, y]) => x !== null || y !== null)

  it('earliest ≥ v, latest, exactly L and all match the model', async function () {
    await fc.assert(fc.asyncProperty(
      fc.uniqueArray(batchArb, { minLength: 1, maxLength: 6, selector: ([x, y]) => `${x}/${y}` }),
      fc.array(fc.integer({ min: 0, max: MAX_LENGTH + 2 }), { minLength: 1, maxLength: 8 }),
      async (batches, queries) => {
        const log = await ReceiptsLog.open(dataDir.store, `model/run-${run++}`)
        try {
          const model: Array<Array<{ length: number, seq: number }>> = [[], []]
          for (const [seq, lengths] of batches.entries()) {
            const chosen = lengths.flatMap((length, core) => (length === null ? [] : [{ core, length }]))
            await log.appendBatch(sealedBatch(chosen.map(({ core, length }) => heads[core][length]), 1_800_000_000 + seq))
            for (const { core, length } of chosen) model[core].push({ length, seq })
          }
          for (const [core, source] of sources.entries()) {
            const sorted = [...model[core]].sort((p, q) => p.length - q.length || p.seq - q.seq)
            const got = (await log.receipts(source.key)).map((r) => ({ length: r.receipt.head.length, seq: r.batch }))
            expect(got).to.deep.equal(sorted)
            const latest = await log.latestReceipt(source.key)
            expect(latest === null ? null : [latest.receipt.head.length, latest.batch]).to.deep.equal(sorted.length === 0 ? null : [sorted[sorted.length - 1].length, sorted[sorted.length - 1].seq])
            for (const v of queries) {
              const want = sorted.find((r) => r.length >= v) ?? null
              const earliest = await log.earliestReceipt(source.key, v)
              expect(earliest === null ? null : { length: earliest.receipt.head.length, seq: earliest.batch }).to.deep.equal(want)
              const exact = (await log.receiptsAt(source.key, v)).map((r) => r.batch)
              expect(exact).to.deep.equal(sorted.filter((r) => r.length === v).map((r) => r.seq))
            }
          }
        } finally {
          await log.close()
        }
      }
    ), { numRuns: 25 })
  })
})
