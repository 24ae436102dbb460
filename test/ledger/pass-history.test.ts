/**
 * The pass history (src/ledger/pass-history.ts): passes aggregated into runs, starts and stops,
 * stale/back transitions and unwatches through the journal, what a crash can leave (a torn last
 * line, a run in both files), damage refused, and history kept across a reopen.
 */
import { expect } from 'chai'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Journal, OPEN_RUN_FILE, PASS_FILE, PassHistory, type DataDir, type HistoryRecord, type PassInput, type PassRun, openDataDir } from '../../src/ledger'
import { expectCode, TempDirs } from './helpers'

const T0 = Date.parse('2026-11-30T10:00:00.000Z')
const at = (seconds: number): Date => new Date(T0 + seconds * 1000)
const keyOf = (i: number): string => i.toString(16).padStart(64, '0')
const pass = (seconds: number, outcome: PassInput['outcome'] = 'unchanged', extra: Partial<PassInput> = {}): PassInput =>
  ({ at: at(seconds), outcome, checked: 3, changed: outcome === 'sealed' ? 1 : 0, stale: 0, ...(outcome === 'failed' ? { code: 'CHAIN_UNAVAILABLE', reason: 'the RPC at http://user:secret@127.0.0.1:1/ did not answer' } : {}), ...extra })
const runs = (records: HistoryRecord[]): PassRun[] => records.flatMap((r) => ('run' in r ? [r.run] : []))

describe('ledger: the pass history', function () {
  this.timeout(60_000)
  const dirs = new TempDirs()
  let dir: string
  let history: PassHistory

  beforeEach(async function () {
    dir = dirs.make()
    history = await PassHistory.open(dir)
    await history.recordStart('* * * * *', 60, at(-1))
  })

  afterEach(async function () {
    await history.close().catch(() => {})
    dirs.cleanup()
  })

  const reopen = async (): Promise<void> => {
    await history.close()
    history = await PassHistory.open(dir)
  }

  it('aggregates passes one slot apart into one run, and starts a new run at a gap, a failure, a new code or a new UTC day', async function () {
    for (const s of [0, 60, 125, 180]) await history.recordPass(pass(s, s === 60 ? 'sealed' : 'unchanged', s === 60 ? { batch: 7 } : {}))
    await history.recordPass(pass(300)) // slot 5 after slot 3: slot 4 had no pass
    await history.recordPass(pass(360, 'failed'))
    await history.recordPass(pass(420, 'failed'))
    await history.recordPass(pass(480, 'failed', { code: 'TX_REVERTED' }))
    await history.recordPass(pass(14 * 3600 - 10)) // 23:59:50
    await history.recordPass(pass(14 * 3600 + 20)) // next UTC day, next slot
    const got = runs(await history.records())
    expect(got.map((r) => [r.from, r.to, r.passes, r.sealed, r.unchanged, r.failed, r.code ?? null])).to.deep.equal([
      [at(0).toISOString(), at(180).toISOString(), 4, 1, 3, 0, null],
      [at(300).toISOString(), at(300).toISOString(), 1, 0, 1, 0, null],
      [at(360).toISOString(), at(420).toISOString(), 2, 0, 0, 2, 'CHAIN_UNAVAILABLE'],
      [at(480).toISOString(), at(480).toISOString(), 1, 0, 0, 1, 'TX_REVERTED'],
      [at(14 * 3600 - 10).toISOString(), at(14 * 3600 - 10).toISOString(), 1, 0, 1, 0, null],
      [at(14 * 3600 + 20).toISOString(), at(14 * 3600 + 20).toISOString(), 1, 0, 1, 0, null]
    ])
    expect(got[0]).to.include({ checked: 12, changed: 1 })
    expect(got[0].batches).to.deep.equal([7, 7])
    expect(got[2].reason, 'no URL kept (it may hold credentials)').to.equal('the RPC at <url> did not answer')
    expect(history.summary()).to.deep.equal({ last: { at: at(14 * 3600 + 20).toISOString(), outcome: 'unchanged' }, failedInARow: 0 })
  })

  it('closes the open run at a stop and at a start, and says failures in a row', async function () {
    await history.recordPass(pass(0))
    await history.recordPass(pass(60, 'failed'))
    await history.recordPass(pass(120, 'failed'))
    expect(history.summary()).to.deep.equal({ last: { at: at(120).toISOString(), outcome: 'failed', code: 'CHAIN_UNAVAILABLE' }, failedInARow: 2 })
    await history.recordStop(at(130))
    await history.recordStart('* * * * *', 60, at(400))
    await history.recordPass(pass(420, 'failed'))
    const records = await history.records()
    expect(records.map((r) => Object.keys(r)[0])).to.deep.equal(['start', 'run', 'run', 'stop', 'start', 'run'])
    expect(runs(records).map((r) => r.passes)).to.deep.equal([1, 2, 1])
  })

  it('keeps every record across a reopen, and the open run goes on', async function () {
    await history.recordPass(pass(0, 'sealed', { batch: 1 }))
    await history.recordPass(pass(60, 'sealed', { batch: 2 }))
    const before = await history.records()
    await reopen()
    expect(await history.records()).to.deep.equal(before)
    await history.recordPass(pass(120, 'sealed', { batch: 3 }))
    const after = runs(await history.records())
    expect(after).to.have.length(1)
    expect(after[0]).to.include({ passes: 3, sealed: 3 })
    expect(after[0].batches).to.deep.equal([1, 3])
  })

  it('drops what a crash cut from the end of the file, and only that', async function () {
    await history.recordPass(pass(0))
    await history.recordStop(at(10))
    const good = readFileSync(join(dir, PASS_FILE), 'utf8')
    appendFileSync(join(dir, PASS_FILE), '{"start":{"at":"2026-11-30T10:0')
    await reopen()
    expect(readFileSync(join(dir, PASS_FILE), 'utf8'), 'the torn line is cut').to.equal(good)
    expect((await history.records()).map((r) => Object.keys(r)[0])).to.deep.equal(['start', 'run', 'stop'])
  })

  it('refuses damage: a bad line before good ones, a damaged open run, a bad header', async function () {
    await history.recordPass(pass(0))
    await history.recordStop(at(10))
    const text = readFileSync(join(dir, PASS_FILE), 'utf8')
    await history.close()
    writeFileSync(join(dir, PASS_FILE), text.replace('{"run"', '{"run":1,"x"'))
    await expectCode(PassHistory.open(dir), 'CORRUPT_ENTRY')
    writeFileSync(join(dir, PASS_FILE), text.replace('{"v":1}', '{"v":2}'))
    await expectCode(PassHistory.open(dir), 'CORRUPT_ENTRY')
    writeFileSync(join(dir, PASS_FILE), text)
    writeFileSync(join(dir, OPEN_RUN_FILE), '{"v":1,"run":{"from":"yesterday"},"last":"sealed"}')
    await expectCode(PassHistory.open(dir), 'CORRUPT_ENTRY')
    writeFileSync(join(dir, OPEN_RUN_FILE), JSON.stringify({ v: 1, run: { from: at(0).toISOString(), to: at(0).toISOString(), passes: 2, sealed: 1, unchanged: 0, failed: 0, checked: 0, changed: 0, stale: 0 }, last: 'sealed' }))
    await expectCode(PassHistory.open(dir), 'CORRUPT_ENTRY') // passes ≠ sealed + unchanged + failed
  })

  it('a run left in both files by a crash between the append and the replacement counts once', async function () {
    await history.recordPass(pass(0))
    await history.recordPass(pass(60))
    const open = readFileSync(join(dir, OPEN_RUN_FILE), 'utf8')
    await history.recordPass(pass(600)) // closes the first run, opens a new one
    writeFileSync(join(dir, OPEN_RUN_FILE), open) // as if the crash came before the replacement
    await reopen()
    expect(runs(await history.records()).map((r) => [r.from, r.passes])).to.deep.equal([[at(0).toISOString(), 2]])
  })
})

describe('ledger: the journal records stale/back transitions and unwatches in the pass history', function () {
  this.timeout(60_000)
  const dirs = new TempDirs()
  let dataDir: DataDir
  let journal: Journal

  beforeEach(async function () {
    dataDir = await openDataDir(dirs.make())
    journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
  })

  afterEach(async function () {
    await journal.close()
    await dataDir.close()
    dirs.cleanup()
  })

  it('writes a transition once (not a changed reason), and an unwatch with when the core was watched', async function () {
    const { entry } = await journal.addWatch(keyOf(1))
    const mark = (reason: string): { since: string, lastHead: null, reason: string } => ({ since: '2026-11-30T10:00:00.000Z', lastHead: null, reason })
    await journal.updateStale(new Map([[keyOf(1), mark('no peer answered')]]))
    await journal.updateStale(new Map([[keyOf(1), mark('no peer sent block 5')]]))
    await journal.updateStale(new Map([[keyOf(1), null]]))
    await journal.updateStale(new Map([[keyOf(1), null]]))
    await journal.updateStale(new Map([[keyOf(1), mark('again')]]))
    await journal.removeWatch(keyOf(1))
    const records = (await journal.passes.records()).filter((r) => !('start' in r))
    expect(records.map((r) => Object.keys(r)[0])).to.deep.equal(['stale', 'back', 'stale', 'unwatch'])
    expect(records[0]).to.deep.equal({ stale: { key: keyOf(1), at: '2026-11-30T10:00:00.000Z', reason: 'no peer answered' } })
    expect(records[3]).to.have.nested.property('unwatch.addedAt', entry.addedAt)
  })
})
