/**
 * The seal summaries a receipts log keeps in memory (src/ledger/seal-summaries.ts): after any
 * history of seals they say what a read of the core's receipts says, and a batch planned from
 * them writes exactly the seal index entries a batch planned from reads writes.
 */
import { expect } from 'chai'
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { openDataDir, ReceiptsLog, type DataDir } from '../../src/ledger'
import { LedgerBee } from '../../src/ledger/ledger-bee'
import { headToJson, type HeadJson } from '../../src/seal'
import { WRITERS, signHead } from '../seal/helpers'
import { sealedBatch, TempDirs } from './helpers'

const tree = (w: number, length: number, fork: number): Buffer => createHash('sha256').update(`${w}:${length}:${fork}`).digest()
const headAt = (w: number, length: number, fork: number): HeadJson => headToJson(signHead(WRITERS[w], length, fork, tree(w, length, fork)))
const keys = [2, 3].map((w) => WRITERS[w].key.toString('hex'))

/** Every seal index entry of a log (`high!`, `seal!`). */
async function indexEntries (log: ReceiptsLog): Promise<string[]> {
  const bee = (log as unknown as { bee: LedgerBee }).bee
  const entries = [...await bee.range({ gte: 'high!', lt: 'high!~' }), ...await bee.range({ gte: 'seal!', lt: 'seal!~' })]
  return entries.map((e) => `${e.key}=${String(e.value)}`)
}

describe('ledger: the seal summaries kept in memory', function () {
  this.timeout(240_000)
  const dirs = new TempDirs()
  let dataDir: DataDir
  beforeEach(async () => { dataDir = await openDataDir(dirs.make()) })
  afterEach(async () => { await dataDir.close(); dirs.cleanup() })

  it('say what a read says after any history of seals, and plan the same index entries as reads', async () => {
    let run = 0
    // Batches of one or two heads of two cores: growth, rewinds (shorter), forks, two heads of one core in a batch.
    const head = fc.record({ w: fc.constantFrom(2, 3), length: fc.integer({ min: 1, max: 30 }), fork: fc.integer({ min: 0, max: 2 }) })
    await fc.assert(fc.asyncProperty(
      fc.array(fc.uniqueArray(head, { minLength: 1, maxLength: 2, selector: (h) => `${h.w}:${h.length}:${h.fork}` }), { minLength: 1, maxLength: 10 }),
      async (batches) => {
        const name = `summaries-${run++}`
        const remembering = await ReceiptsLog.open(dataDir.store, `${name}-a`)
        const reading = await ReceiptsLog.open(dataDir.store, `${name}-b`)
        // Its seals read by a reader that keeps nothing in memory, so that `reading` never learns (and always plans from reads).
        const reader = await ReceiptsLog.openReadOnly(reading.core.session())
        try {
          const written = new Set<string>()
          for (const [i, heads] of batches.entries()) {
            const input = sealedBatch(heads.map((h) => headAt(h.w, h.length, h.fork)), 1_764_000_000 + i * 60)
            if (written.has(input.seal.root)) continue // the same batch twice is one batch
            written.add(input.seal.root)
            // One log learns both cores' summaries before each batch (as a pass's probes do), the other never does.
            for (const view of await remembering.receiptsViews(keys)) view.summary()
            await remembering.appendBatch(input)
            await reading.appendBatch(input)
            for (const key of keys) {
              const kept = remembering.sealSummary(key)
              const [view] = await reader.receiptsViews([key])
              expect(kept, `summary of ${key.slice(0, 8)} after batch ${i}`).to.deep.equal(view.summary())
              expect(reading.sealSummary(key)).to.equal(undefined)
            }
          }
          expect(await indexEntries(remembering)).to.deep.equal(await indexEntries(reading))
        } finally {
          await reader.close()
          await remembering.close()
          await reading.close()
        }
      }), { numRuns: 40 })
  })

  it('are kept only by the log that writes: a read-only log never answers from memory', async () => {
    const log = await ReceiptsLog.open(dataDir.store, 'own')
    const input = sealedBatch([headAt(2, 3, 0)], 1_764_000_000)
    await log.appendBatch(input)
    const [view] = await log.receiptsViews([keys[0]])
    expect(view.summary()).to.deep.equal({ latest: { length: 3, fork: 0, treeHash: tree(2, 3, 0).toString('hex'), batch: 0, root: input.seal.root, sealedAt: 1_764_000_000, several: false }, maxLength: 3 })
    expect(log.sealSummary(keys[0])).to.deep.equal(view.summary())
    const replica = await ReceiptsLog.openReadOnly(log.core.session())
    try {
      const [theirs] = await replica.receiptsViews([keys[0]])
      expect(theirs.summary()).to.deep.equal(view.summary())
      expect(replica.sealSummary(keys[0])).to.equal(undefined)
    } finally {
      await replica.close()
      await log.close()
    }
  })
})
