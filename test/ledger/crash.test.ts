import { join } from 'node:path'
import { expect } from 'chai'
import { Journal, openDataDir, ReceiptsLog, type DataDir } from '../../src/ledger'
import { Child } from '../support/ledger-child'
import { at, HeadSource, sealedBatch, TempDirs } from './helpers'

/** hypercore-storage's RocksDB column family (internal; see src/ledger/sync.ts). */
interface RocksProbe { getProperty (name: string): Promise<string> }

const ROUNDS = 3
const WRITES = 40

describe('ledger: crash durability', function () {
  const dirs = new TempDirs()
  let child: Child | null = null
  let dataDir: DataDir | null = null

  afterEach(async function () {
    await child?.kill()
    await dataDir?.close()
    child = null
    dataDir = null
    dirs.cleanup()
  })

  for (let round = 1; round <= ROUNDS; round++) {
    it(`keeps every acknowledged write after SIGKILL at a random moment (round ${round})`, async function () {
      const dir = dirs.make()
      child = new Child('ledger-writer.ts', [dir, String(WRITES)])
      await child.waitFor((l) => l === 'ready')
      // Kill after a random number of acks plus a random delay, so the kill lands anywhere
      // in a write: before, during or after its append and its flush.
      const killAfter = 1 + Math.floor(Math.random() * (WRITES - 10))
      await child.waitFor((l) => l.startsWith(`acked ${killAfter - 1} `))
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 8))
      await child.kill('SIGKILL')
      const acked = child.lines.filter((l) => l.startsWith('acked ')).map((l) => l.split(' '))
      expect(acked.length).to.be.at.least(killAfter).and.below(WRITES)

      dataDir = await openDataDir(dir) // also takes over the dead writer's lock
      const log = await ReceiptsLog.open(dataDir.store)
      const journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
      for (const [, i, root, watchKey] of acked) {
        const batch = await log.getBatch(Number(i))
        expect(batch?.root, `batch ${i} (killed after ${acked.length} acks)`).to.equal(root)
        expect(await log.receipts(batch?.leaves[0].key as string)).to.have.length.at.least(Number(i) + 1)
        expect((await journal.getWatch(watchKey))?.peers, `watch ${i}`).to.deep.equal([`127.0.0.1:${10000 + Number(i)}`])
      }
      // The unacknowledged write in flight may or may not have landed, but nothing beyond it.
      const latest = (await log.latestBatch())?.seq ?? -1
      expect(latest).to.be.within(acked.length - 1, acked.length)
      await log.close()
      await journal.close()
    })
  }

  it('leaves no acknowledged write only in the unsynced WAL (power-loss durability)', async function () {
    dataDir = await openDataDir(dirs.make())
    const rocks = (dataDir.store as unknown as { storage: { db: RocksProbe } }).storage.db
    const inMemtable = async (): Promise<number> => Number(await rocks.getProperty('rocksdb.num-entries-active-mem-table'))
    const source = await HeadSource.create(dataDir.store, 'core-a')
    const head = await source.at(3)
    expect(await inMemtable()).to.be.above(0) // a plain Hypercore append stays in the memtable + WAL
    const log = await ReceiptsLog.open(dataDir.store)
    const journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
    await log.appendBatch(sealedBatch([head], at('2026-01-01T00:00:00.000Z')))
    expect(await inMemtable()).to.equal(0) // flushed to an fsynced SST before the promise resolved
    await journal.addWatch(head.key)
    expect(await inMemtable()).to.equal(0)
    await log.close()
    await journal.close()
  })
})
