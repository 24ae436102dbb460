/**
 * The seal index (src/ledger/seal-index.ts): a verify reads the earliest seal covering its
 * version and the latest seal within the replica's length by index, and gets exactly what a
 * scan of every receipt of the core would give, for any history of lengths (rewinds included).
 */
import { expect } from 'chai'
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { openDataDir, ReceiptsLog, type DataDir } from '../../src/ledger'
import { LedgerBee } from '../../src/ledger/ledger-bee'
import { INDEX_MARKER, SPARSE_INDEX_MARKER } from '../../src/ledger/seal-index'
import { headToJson, type HeadJson } from '../../src/seal'
import { WRITERS, signHead } from '../seal/helpers'
import { sealedBatch, TempDirs } from './helpers'

const writer = WRITERS[2]
const key = writer.key.toString('hex')
const tree = (length: number, fork: number): Buffer => createHash('sha256').update(`${length}:${fork}`).digest()
const headAt = (length: number, fork: number): HeadJson => headToJson(signHead(writer, length, fork, tree(length, fork)))
const filler = (i: number): HeadJson => headToJson(signHead(WRITERS[3], 1000 + i, 0, tree(1000 + i, 9)))

type Seal = { length: number, fork: number }

/** What a scan of every receipt gives: the earliest seal covering v, the latest within r (batch order). */
function scan (seals: Seal[], version: number, replicaLength: number): string[] {
  const out = new Set<string>()
  const deciding = seals.findIndex((s) => s.length >= version)
  if (deciding >= 0) out.add(`${deciding}:${seals[deciding].length}`)
  for (let i = seals.length - 1; i >= 0; i--) {
    if (seals[i].length <= replicaLength) { out.add(`${i}:${seals[i].length}`); break }
  }
  return [...out].sort()
}

describe('ledger: the seal index (a verify reads by index, not every receipt)', function () {
  this.timeout(240_000)
  const dirs = new TempDirs()
  let dataDir: DataDir
  beforeEach(async () => { dataDir = await openDataDir(dirs.make()) })
  afterEach(async () => { await dataDir.close(); dirs.cleanup() })

  async function write (log: ReceiptsLog, seals: Seal[]): Promise<void> {
    for (const [i, s] of seals.entries()) await log.appendBatch(sealedBatch([headAt(s.length, s.fork), filler(i)], 1_764_000_000 + i * 60))
  }

  /**
   * A log indexed before v2 (v1: every seal in `seal!`): its receipts written without the index,
   * which open then builds the v1 way, as for a log written before the index.
   */
  async function openV1 (name: string): Promise<ReceiptsLog> {
    const seed = await ReceiptsLog.open(dataDir.store, `${name}-seed`)
    await seed.appendBatch(sealedBatch([filler(999)], 1_763_000_000))
    const entries = (await (seed as unknown as { bee: LedgerBee }).bee.range({ gte: '', lt: '~' }))
      .filter((e) => !e.key.startsWith('seal!') && !e.key.startsWith('high!') && !e.key.startsWith('index!'))
    await seed.close()
    const raw = await LedgerBee.open(dataDir.store, name, { appendOnly: true, what: 'old log' })
    await raw.write(async (tx) => { for (const e of entries) await tx.putOnce(e.key, e.value) })
    await raw.close()
    const log = await ReceiptsLog.open(dataDir.store, name)
    const bee = (log as unknown as { bee: LedgerBee }).bee
    expect(await bee.get(INDEX_MARKER)).to.equal('v1')
    expect(await bee.get(SPARSE_INDEX_MARKER)).to.equal(undefined)
    return log
  }

  for (const layout of ['v2', 'v1'] as const) {
    it(`finds what a scan of every receipt finds, for any history of seals (${layout === 'v2' ? 'a new log, v2' : 'a log indexed before v2, v1'})`, async () => {
      let run = 0
      await fc.assert(fc.asyncProperty(
        fc.uniqueArray(fc.record({ length: fc.integer({ min: 1, max: 40 }), fork: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 14, selector: (s) => `${s.length}:${s.fork}` }),
        async (seals) => {
          const name = `index-${layout}-${run++}`
          const log = layout === 'v2' ? await ReceiptsLog.open(dataDir.store, name) : await openV1(name)
          try {
            await write(log, seals)
            for (let version = 1; version <= 42; version += 3) {
              for (const replicaLength of [0, 1, 7, 20, 41]) {
                const got = await log.verifyReceipts(key, version, replicaLength)
                expect(got, 'the index is there').to.not.equal(null)
                // Batch seqs start at 1 on the v1 log (its batch 0 is the seed's).
                const base = layout === 'v2' ? 0 : 1
                expect(got!.map((e) => `${e.batch - base}:${e.receipt.head.length}`).sort(), `v${version} r${replicaLength}`).to.deep.equal(scan(seals, version, replicaLength))
              }
            }
          } finally {
            await log.close()
          }
        }), { numRuns: 12 })
    })
  }

  it('v2 writes two entries per receipt of a core that only grows, a third after a rewind; a v1 log keeps three', async () => {
    const fresh = await ReceiptsLog.open(dataDir.store, 'count-v2')
    const old = await openV1('count-v1')
    const entries = async (log: ReceiptsLog): Promise<string[]> =>
      (await (log as unknown as { bee: LedgerBee }).bee.range({ gte: '', lt: '~' })).map((e) => e.key).filter((k) => k.includes(key) && (k.startsWith('seal!') || k.startsWith('high!')))
    for (const log of [fresh, old]) {
      // Grows 5 → 9 → 12, then is rewound to 7 (fork 1) and sealed there.
      await write(log, [{ length: 5, fork: 0 }, { length: 9, fork: 0 }, { length: 12, fork: 0 }])
    }
    expect((await entries(fresh)).filter((k) => k.startsWith('seal!')), 'no seal! entry while the core only grows').to.deep.equal([])
    expect(await entries(fresh)).to.have.length(3)
    expect(await entries(old)).to.have.length(6)
    await fresh.appendBatch(sealedBatch([headAt(7, 1), filler(50)], 1_765_000_000))
    const after = await entries(fresh)
    expect(after.filter((k) => k.startsWith('seal!')), 'the rewound seal is not a record high').to.have.length(1)
    // The latest seal within a replica of length 10 is the rewound one (7), not the longer 9.
    const got = await fresh.verifyReceipts(key, 3, 10)
    expect(got!.map((e) => e.receipt.head.length).sort((a, b) => a - b)).to.deep.equal([5, 7])
    await fresh.close()
    await old.close()
  })

  it('a view\'s latest seal is the most recently sealed (highest batch), not the longest, for any history of seals', async () => {
    let run = 0
    await fc.assert(fc.asyncProperty(
      fc.uniqueArray(fc.record({ length: fc.integer({ min: 1, max: 40 }), fork: fc.integer({ min: 0, max: 2 }) }), { minLength: 0, maxLength: 10, selector: (s) => `${s.length}:${s.fork}` }),
      async (seals) => {
        const log = await ReceiptsLog.open(dataDir.store, `latest-${run++}`)
        try {
          await write(log, seals)
          const [view, other] = await log.receiptsViews([key, WRITERS[3].key.toString('hex')])
          const latest = view.latest()
          if (seals.length === 0) {
            expect(latest).to.equal(null)
          } else {
            const last = seals[seals.length - 1]
            expect(latest?.batch).to.equal(seals.length - 1)
            expect(latest?.receipt.head).to.deep.include({ length: last.length, fork: last.fork })
            expect(latest).to.deep.equal(view.all().find((e) => e.batch === seals.length - 1))
          }
          expect(other.latest()?.batch ?? null).to.equal(seals.length === 0 ? null : seals.length - 1)
        } finally {
          await log.close()
        }
      }), { numRuns: 10 })
  })

  it('a view\'s latest seal fails as a corrupt entry when a receipt key names no batch', async () => {
    const log = await ReceiptsLog.open(dataDir.store, 'latest-bad')
    await write(log, [{ length: 3, fork: 0 }])
    const bee = (log as unknown as { bee: LedgerBee }).bee
    const [entry] = await bee.range({ gte: `receipt!${key}!`, lt: `receipt!${key}!~` })
    await bee.write(async (tx) => { await tx.putOnce(`receipt!${key}!${'0'.repeat(15)}3!x!${'0'.repeat(16)}`, entry.value) })
    const [view] = await log.receiptsViews([key])
    expect(() => view.latest()).to.throw().with.property('code', 'CORRUPT_ENTRY')
    await log.close()
  })

  it('builds the index of a log written before it, at open', async () => {
    const seals = [{ length: 10, fork: 0 }, { length: 20, fork: 0 }, { length: 6, fork: 1 }, { length: 30, fork: 1 }]
    const indexed = await ReceiptsLog.open(dataDir.store, 'indexed')
    await write(indexed, seals)
    // An old log: the same receipt entries, without the index.
    const raw = await LedgerBee.open(dataDir.store, 'old', { appendOnly: true, what: 'old log' })
    const entries = await (indexed as unknown as { bee: LedgerBee }).bee.range({ gte: 'receipt!', lt: 'receipt!~' })
    await raw.write(async (tx) => { for (const e of entries) await tx.putOnce(e.key, e.value) })
    expect(await raw.get(INDEX_MARKER)).to.equal(undefined)
    await raw.close()
    const old = await ReceiptsLog.open(dataDir.store, 'old')
    for (const [v, r] of [[5, 40], [15, 8], [25, 30], [31, 6]]) {
      expect(await old.verifyReceipts(key, v, r)).to.deep.equal(await indexed.verifyReceipts(key, v, r))
    }
    await old.close()
    await indexed.close()
  })

  it('answers null for a log without the index (read-only, an older service): the caller reads every receipt', async () => {
    const raw = await LedgerBee.open(dataDir.store, 'plain', { appendOnly: true, what: 'plain log' })
    await raw.write(async (tx) => { await tx.putOnce('batch!0000000000000000', 'x') })
    const core = raw.bee.core
    const readOnly = await ReceiptsLog.openReadOnly(core)
    expect(await readOnly.verifyReceipts(key, 1, 5)).to.equal(null)
    await readOnly.close()
    await raw.close()
  })
})
