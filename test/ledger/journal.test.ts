import { expect } from 'chai'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Hyperbee from 'hyperbee'
import { Journal, JOURNAL_CORE, openDataDir, type DataDir, type StaleMark } from '../../src/ledger'
import { expectCode, HeadSource, hex32, rootsOf, TempDirs } from './helpers'

const KEY = 'ab'.repeat(32)
const KEY2 = 'cd'.repeat(32)

/** The journal's files that are not in-flight batches. */
const BESIDE = new Set(['watches.jsonl', 'passes.jsonl', 'passes-open.json'])

describe('ledger: journal', function () {
  const dirs = new TempDirs()
  let dataDir: DataDir
  let journal: Journal
  let source: HeadSource

  beforeEach(async function () {
    dataDir = await openDataDir(dirs.make())
    journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
    source = await HeadSource.create(dataDir.store, 'core-a')
  })

  afterEach(async function () {
    await journal.close()
    await dataDir.close()
    dirs.cleanup()
  })

  async function prepared (id?: string): Promise<{ id: string, root: string }> {
    const root = hex32()
    const batch = await journal.prepareBatch({ root, leaves: [await source.at(source.core.length + 1)], ...(id ? { id } : {}) })
    return { id: batch.id, root }
  }

  const tx = (nonce: number, fee = 10n): { hash: string, nonce: number, maxFeePerGas: bigint, maxPriorityFeePerGas: bigint } =>
    ({ hash: hex32(), nonce, maxFeePerGas: fee, maxPriorityFeePerGas: 1n })
  const block = (n: number): { blockNumber: number, blockHash: string, timestamp: number } => ({ blockNumber: n, blockHash: hex32(), timestamp: 1_800_000_000 + n })

  describe('watch list', function () {
    it('adds, merges peers, lists and removes', async function () {
      const first = await journal.addWatch(KEY.toUpperCase(), ['Example.org:8481'])
      expect(first.added).to.equal(true)
      expect(first.entry).to.deep.include({ key: KEY, peers: ['example.org:8481'] })
      const again = await journal.addWatch(Buffer.from(KEY, 'hex'), ['127.0.0.1:9000', 'example.org:8481', '[::1]:7'])
      expect(again.added).to.equal(false)
      expect(again.entry.peers).to.deep.equal(['example.org:8481', '127.0.0.1:9000', '[::1]:7'])
      expect(again.entry.addedAt).to.equal(first.entry.addedAt)
      await journal.addWatch(KEY2)
      expect((await journal.listWatched()).map((w) => w.key)).to.deep.equal([KEY, KEY2])
      expect(await journal.removeWatch(KEY)).to.equal(true)
      expect(await journal.removeWatch(KEY)).to.equal(false)
      expect(await journal.getWatch(KEY)).to.equal(null)
      expect((await journal.getWatch(KEY2))?.peers).to.deep.equal([])
    })

    it('refuses bad keys and peers (BAD_INPUT)', async function () {
      await expectCode(journal.addWatch('zz'.repeat(32)), 'BAD_INPUT')
      await expectCode(journal.addWatch(Buffer.alloc(31)), 'BAD_INPUT')
      for (const peer of ['localhost', 'host:0', 'host:65536', ':80', 'bad host:80', 'a..b:1', '[zz]:1']) {
        await expectCode(journal.addWatch(KEY, [peer]), 'BAD_INPUT')
      }
      expect(await journal.listWatched()).to.deep.equal([])
    })
  })

  describe('in-flight batches', function () {
    it('goes prepared → sent → sent (replacement) → mined → final, then can be removed', async function () {
      const { id, root } = await prepared()
      expect(id).to.equal(root)
      const t1 = tx(5)
      let b = await journal.markSent(id, t1)
      expect(b).to.deep.include({ state: 'sent', attempts: 1 })
      expect(b.tx?.maxFeePerGas).to.equal('10')
      expect(await journal.markSent(id, { ...t1, maxFeePerGas: 10n })).to.deep.include({ attempts: 1 }) // same tx again
      const t2 = tx(5, 11n)
      b = await journal.markSent(id, t2)
      expect(b.attempts).to.equal(2)
      expect(b.tx?.hash).to.equal(t2.hash)
      expect(b.tx?.replaced.map((t) => t.hash)).to.deep.equal([t1.hash])
      const mined = { ...block(9), txHash: t2.hash }
      b = await journal.markMined(id, mined)
      expect(b).to.deep.include({ state: 'mined', mined })
      expect((await journal.listUnfinished()).map((x) => x.id)).to.deep.equal([id])
      b = await journal.markFinal(id, { blockNumber: 21, blockHash: hex32() })
      expect(b.state).to.equal('final')
      expect(await journal.listUnfinished()).to.deep.equal([])
      expect((await journal.getInflight(id))?.state).to.equal('final')
      await journal.removeInflight(id)
      expect(await journal.getInflight(id)).to.equal(null)
    })

    it('refuses illegal transitions with BAD_TRANSITION and unknown ids with NOT_FOUND', async function () {
      const { id } = await prepared('pass-1')
      await expectCode(journal.markFinal(id, { blockNumber: 1, blockHash: hex32() }), 'BAD_TRANSITION')
      await expectCode(journal.markReorged(id), 'BAD_TRANSITION')
      await expectCode(journal.markDropped(id), 'BAD_TRANSITION')
      await expectCode(journal.removeInflight(id), 'BAD_TRANSITION')
      await journal.markSent(id, tx(1))
      await expectCode(journal.markSent(id, tx(2)), 'BAD_TRANSITION') // a replacement keeps the nonce
      await expectCode(journal.markFinal(id, { blockNumber: 1, blockHash: hex32() }), 'BAD_TRANSITION')
      await journal.markMined(id, block(3))
      await expectCode(journal.markSent(id, tx(1)), 'BAD_TRANSITION')
      await expectCode(journal.markMined(id, block(4)), 'BAD_TRANSITION')
      await journal.markFinal(id, { blockNumber: 9, blockHash: hex32() })
      await expectCode(journal.markReorged(id), 'BAD_TRANSITION')
      await expectCode(journal.markMined(id, block(5)), 'BAD_TRANSITION')
      expect((await journal.getInflight(id))?.mined?.blockNumber).to.equal(3)
      await expectCode(journal.markSent('nope', tx(1)), 'NOT_FOUND')
      await expectCode(journal.markSent(id, { ...tx(1), hash: '0x12' }), 'BAD_INPUT')
      await expectCode(journal.markMined('bad id!', block(1)), 'BAD_INPUT')
    })

    it('models a reorg: mined → prepared, sent again, mined in another block', async function () {
      const { id } = await prepared()
      const first = tx(3)
      await journal.markSent(id, first)
      const lost = block(10)
      await journal.markMined(id, lost)
      let b = await journal.markReorged(id)
      expect(b.state).to.equal('prepared')
      expect(b.mined).to.equal(undefined)
      expect(b.reorgs.map((r) => r.blockHash)).to.deep.equal([lost.blockHash])
      expect((await journal.listUnfinished()).map((x) => x.id)).to.deep.equal([id])
      const second = tx(4)
      b = await journal.markSent(id, second) // after a reorg any nonce may be used
      expect(b.tx?.replaced.map((t) => t.hash)).to.deep.equal([first.hash])
      b = await journal.markMined(id, block(11))
      expect(b.state).to.equal('mined')
      expect(b.reorgs).to.have.length(1)
    })

    it('resolves a crash before "sent": prepared → mined, and a dropped tx: sent → prepared', async function () {
      const found = await prepared()
      expect((await journal.markMined(found.id, block(2))).state).to.equal('mined')
      const dropped = await prepared()
      const t = tx(7)
      await journal.markSent(dropped.id, t)
      expect((await journal.markDropped(dropped.id)).state).to.equal('prepared')
      const rebroadcast = await journal.markSent(dropped.id, t)
      expect(rebroadcast).to.deep.include({ state: 'sent', attempts: 1 })
    })

    it('is idempotent on prepare and refuses a different batch under a used id', async function () {
      const root = hex32()
      const leaves = [await source.at(1)]
      const b1 = await journal.prepareBatch({ root, leaves })
      expect(await journal.prepareBatch({ root, leaves })).to.deep.equal(b1)
      await expectCode(journal.prepareBatch({ root, leaves: [await source.at(2)] }), 'BAD_TRANSITION')
      await expectCode(journal.prepareBatch({ root, leaves: [] }), 'BAD_INPUT')
      await expectCode(journal.prepareBatch({ root: '0x1234', leaves }), 'BAD_INPUT')
    })

    it('keeps each batch in two files (leaves once, a small state) and frees them when it is removed', async function () {
      const dir = join(dataDir.dir, 'journal')
      const leaves = [await source.at(3)]
      const roots = [await rootsOf(source.core)]
      const root = hex32()
      await journal.prepareBatch({ root, leaves, roots, resealOf: [hex32()] })
      const leavesFile = join(dir, `${root}.leaves.json`)
      const stateFile = join(dir, `${root}.state.json`)
      const written = statSync(leavesFile).mtimeMs
      await journal.markSent(root, tx(1))
      await journal.markMined(root, block(2))
      expect(statSync(leavesFile).mtimeMs, 'leaves written once').to.equal(written)
      expect(statSync(stateFile).size, 'a small state record').to.be.below(1000)
      const b = await journal.getInflight(root)
      expect(b?.roots).to.deep.equal(roots)
      expect(b?.resealOf).to.have.length(1)
      await journal.markFinal(root, { blockNumber: 3, blockHash: hex32() })
      await journal.removeInflight(root)
      expect(readdirSync(dir).filter((n) => !BESIDE.has(n))).to.deep.equal([]) // the watch list and the pass history live beside the batches
      await expectCode(journal.prepareBatch({ root: hex32(), leaves, roots: [roots[0].slice(1)] }), 'BAD_INPUT')
    })

    it('checks a leaves file again whenever it changed since it was last read (read once, then tampered with)', async function () {
      const dir = join(dataDir.dir, 'journal')
      const { id } = await prepared()
      const before = await journal.getInflight(id)
      expect(before?.leaves).to.have.length(1)
      // Read twice: the second read reuses what the first parsed.
      expect(await journal.getInflight(id)).to.deep.equal(before)
      const file = join(dir, `${id}.leaves.json`)
      const text = readFileSync(file, 'utf8')
      const json = JSON.parse(text) as { leaves: Array<{ treeHash: string }> }
      json.leaves[0].treeHash = 'not a tree hash'
      writeFileSync(file, JSON.stringify(json))
      await expectCode(journal.getInflight(id), 'CORRUPT_ENTRY')
      await expectCode(journal.markSent(id, tx(1)), 'CORRUPT_ENTRY')
      // Put back as written: read as before.
      writeFileSync(file, text)
      expect(await journal.getInflight(id)).to.deep.equal(before)
    })

    it('survives torn writes: a leftover temp file and a prepare cut before its state are dropped at open', async function () {
      const dir = join(dataDir.dir, 'journal')
      const { id } = await prepared()
      writeFileSync(join(dir, `${id}.state.json.tmp`), '{"v":1,"sta')
      const orphan = hex32()
      writeFileSync(join(dir, `${orphan}.leaves.json`), '{"v":1')
      // A prepare in progress (leaves, no state yet) is not listed, nor removed under its feet.
      expect((await journal.listUnfinished()).map((b) => b.id)).to.deep.equal([id])
      expect(readdirSync(dir)).to.include(`${orphan}.leaves.json`)
      await journal.close()
      journal = await Journal.open(dataDir.store, dir)
      expect((await journal.listUnfinished()).map((b) => b.id)).to.deep.equal([id])
      expect(readdirSync(dir).filter((n) => !BESIDE.has(n)).sort()).to.deep.equal([`${id}.leaves.json`, `${id}.state.json`])
      writeFileSync(join(dir, `${id}.state.json`), '{"v":1,"state":"flying"}')
      await expectCode(journal.listUnfinished(), 'CORRUPT_ENTRY')
    })

    it('moves in-flight batches an earlier version kept in the Hyperbee to the files', async function () {
      const leaves = [await source.at(2)]
      const root = hex32()
      const legacy = { id: root, root, leaves, state: 'sent', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:01.000Z', attempts: 1, reorgs: [], tx: { hash: hex32(), nonce: 4, sentAt: '2026-01-01T00:00:01.000Z', replaced: [] } }
      await journal.close()
      const raw = new Hyperbee(dataDir.store.get({ name: JOURNAL_CORE }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
      await raw.ready()
      await raw.put(`inflight!${root}`, legacy)
      await raw.close()
      journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
      const [moved] = await journal.listUnfinished()
      expect(moved).to.deep.include({ id: root, state: 'sent', attempts: 1 })
      expect(moved.roots).to.deep.equal([null])
      expect(moved.tx?.nonce).to.equal(4)
      await journal.close()
      const check = new Hyperbee(dataDir.store.get({ name: JOURNAL_CORE }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
      await check.ready()
      expect(await check.get(`inflight!${root}`)).to.equal(null)
      await check.close()
      journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
    })

    it('lists unfinished batches oldest first', async function () {
      const ids = []
      for (const id of ['zz', 'aa', 'mm']) ids.push((await prepared(id)).id)
      await journal.markMined('aa', block(1))
      await journal.markFinal('aa', { blockNumber: 2, blockHash: hex32() })
      expect((await journal.listUnfinished()).map((b) => b.id)).to.deep.equal(['zz', 'mm'])
    })
  })

  describe('stale marks', function () {
    it('sets and clears marks in one write, and drops a core\'s mark when it is unwatched', async function () {
      const mark: StaleMark = { since: '2026-01-01T00:00:00.000Z', lastHead: { length: 6, fork: 0 }, reason: 'no peer sent block 5 in time' }
      await journal.addWatch(KEY)
      await journal.updateStale(new Map<string, StaleMark>([[KEY, mark], [KEY2, { ...mark, lastHead: null }]]))
      expect(await journal.staleMarks()).to.deep.equal(new Map<string, StaleMark>([[KEY, mark], [KEY2, { ...mark, lastHead: null }]]))
      await journal.updateStale(new Map([[KEY2, null]]))
      expect([...(await journal.staleMarks()).keys()]).to.deep.equal([KEY])
      await journal.removeWatch(KEY)
      expect((await journal.staleMarks()).size).to.equal(0)
      await expectCode(journal.updateStale(new Map([[KEY, { ...mark, since: 'now' }]])), 'BAD_INPUT')
      await expectCode(journal.updateStale(new Map([[KEY, { ...mark, reason: '' }]])), 'BAD_INPUT')
    })
  })

  it('keeps service state, watch list and batches across close and reopen', async function () {
    await journal.setState('lastPass', { at: '2026-01-01T00:00:00.000Z', heads: 3 })
    await expectCode(journal.setState('bigint', 1n), 'BAD_INPUT')
    await expectCode(journal.setState('no value', 1), 'BAD_INPUT')
    await journal.addWatch(KEY, ['127.0.0.1:1'])
    const { id } = await prepared()
    await journal.markSent(id, tx(1))
    await journal.close()
    const dir = dataDir.dir
    await dataDir.close()
    dataDir = await openDataDir(dir)
    journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
    expect(await journal.getState('lastPass')).to.deep.equal({ at: '2026-01-01T00:00:00.000Z', heads: 3 })
    expect(await journal.getState('never')).to.equal(undefined)
    expect((await journal.getWatch(KEY))?.peers).to.deep.equal(['127.0.0.1:1'])
    expect((await journal.getInflight(id))?.state).to.equal('sent')
    await journal.close()
    await expectCode(journal.getState('lastPass'), 'CLOSED')
    journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
  })
})
