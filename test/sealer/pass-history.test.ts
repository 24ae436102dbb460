/**
 * Every pass recorded, coverage computed (issue 14 item 2), on a real service: embedded anvil,
 * real writers over TCP on 127.0.0.1, passes on a one-second cron schedule. The service runs
 * some passes (sealed and unchanged), one writer goes away (stale), the service is stopped for a
 * known interval and started again on the same data directory: the history shows the runs, the
 * stale spell, the stop and the start, and the coverage of that period says so. Every wait is on
 * a condition; no assertion depends on how fast the machine is.
 */
import { expect } from 'chai'
import type { HistoryRecord, PassRun, ReceiptEntry } from '../../src/ledger'
import { buildApp } from '../../src/api'
import { HypersealService } from '../../src/service'
import { gatherCoverage } from '../../src/service/report-coverage'
import { appendN, localWriter, onCleanup, runCleanups, tempDir, waitFor } from '../heads/helpers'
import { childReplicaAt, startServiceChild } from '../faults/helpers'
import { replicaAt, testConfig, watchedPair } from './helpers'

const ENV = { HYPERSEAL_SCHEDULE: '* * * * * *', HYPERSEAL_PASS_BUDGET: '5' }
const runs = (records: HistoryRecord[]): PassRun[] => records.flatMap((r) => ('run' in r ? [r.run] : []))
/** The start of the one-second slot holding `iso`: a pass belongs to the slot it started in, and a period counts the slots that start in it. */
const slotStart = (iso: string): string => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString()
/** A core's seal times (ms) in time order, as the report's feed gives gatherCoverage. */
const sealTimes = (entries: ReceiptEntry[]): number[] => entries.map((e) => e.receipt.seal.timestamp * 1000).sort((x, y) => x - y)
const passesAfter = (records: HistoryRecord[], iso: string): number => runs(records).filter((r) => r.from >= iso).reduce((n, r) => n + r.passes, 0)

async function open (dataDir: string): Promise<HypersealService> {
  const service = await HypersealService.open(testConfig(dataDir, ENV), { updateTimeoutMs: 2000 })
  onCleanup(() => service.close())
  return service
}

describe('seal pass: every pass recorded, coverage computed over a stop and a restart', function () {
  this.timeout(240_000)
  afterEach(runCleanups)

  it('records runs, a stale spell, a clean stop and the start after it; the coverage of the period says so', async () => {
    const dataDir = tempDir('hs-passes-')
    let service = await open(dataDir)
    const { a, b } = await watchedPair(service)
    await service.sealNow() // by hand: the schedule starts once A is away (no pass may take its last block first)

    // Writer A announces a head and goes away: stale. B goes on changing: sealed.
    await a.send('append 1')
    await replicaAt(service, a.key, 6)
    await a.exit()
    service.startSchedule()
    await waitFor(async () => (await service.journal.passes.records()).some((r) => 'stale' in r && r.stale.key === a.key), 'A recorded stale', 60_000)
    await appendN(b.core, 2)
    await waitFor(async () => (await service.log.latestReceipt(b.key))?.receipt.head.length === 5, 'B sealed at 5', 60_000)
    const firstStart = (await service.journal.passes.records()).find((r): r is Extract<HistoryRecord, { start: unknown }> => 'start' in r)!

    // The pass status, where operators look.
    const app = buildApp({ service, adminToken: service.adminToken, metrics: service.registry })
    onCleanup(() => app.close())
    const status = await app.inject({ method: 'GET', url: '/v1/status' })
    expect(status.statusCode, status.body).to.equal(200)
    expect(status.json().passes.last.outcome).to.be.oneOf(['sealed', 'unchanged'])
    expect(await service.registry.getSingleMetricAsString('hyperseal_seal_passes_failed_in_a_row')).to.match(/ 0$/m)

    // A clean stop, for a known interval (at least 3 s), then a start on the same data directory.
    const beforeClose = await service.journal.passes.records()
    await app.close()
    await service.close()
    const closedAt = Date.now()
    await waitFor(() => Date.now() >= closedAt + 3000, 'three seconds after the stop', 10_000)
    service = await open(dataDir)
    const records0 = await service.journal.passes.records()
    const stop = records0.filter((r): r is Extract<HistoryRecord, { stop: unknown }> => 'stop' in r).at(-1)!
    const start = records0.filter((r): r is Extract<HistoryRecord, { start: unknown }> => 'start' in r).at(-1)!
    // Restart keeps the history: what was read before the stop is there, the open run then
    // closed (perhaps one pass longer), then the stop and the start.
    const openThen = runs(beforeClose).at(-1)!
    const kept = beforeClose.filter((r) => !('run' in r && r.run.from === openThen.from))
    expect(records0.filter((r) => !('run' in r && r.run.from === openThen.from)).slice(0, kept.length)).to.deep.equal(kept)
    expect(runs(records0).find((r) => r.from === openThen.from)?.passes).to.be.at.least(openThen.passes)
    expect(records0.slice(-2).map((r) => Object.keys(r)[0])).to.deep.equal(['stop', 'start'])
    service.startSchedule()
    await waitFor(async () => passesAfter(await service.journal.passes.records(), start.start.at) >= 2, 'two passes after the restart', 60_000)

    const records = await service.journal.passes.records()
    const kinds = records.map((r) => Object.keys(r)[0])
    expect(kinds.filter((k) => k === 'start')).to.have.length(2)
    expect(runs(records).reduce((n, r) => n + r.sealed, 0), 'passes that sealed').to.be.at.least(2)
    const period = { from: slotStart(firstStart.start.at), to: new Date().toISOString() }
    const receipts = new Map([[a.key, sealTimes(await service.log.receipts(a.key))], [b.key, sealTimes(await service.log.receipts(b.key))]])
    const cov = await gatherCoverage(service.journal, receipts, { cores: [a.key, b.key, service.log.key.toString('hex')], receiptsLog: service.log.key.toString('hex'), period, schedule: ENV.HYPERSEAL_SCHEDULE })

    // The stop: downtime `stopped` from the stop record to the next start, at least the 3 s waited.
    const stopped = cov.downtime.filter((d) => d.cause === 'stopped')
    expect(stopped.map((d) => d.from)).to.include(stop.stop.at)
    const known = stopped.find((d) => d.from === stop.stop.at)!
    expect(known.to).to.equal(start.start.at)
    expect(known.seconds).to.be.at.least(3)
    // No silence without a stop record, but the instant before the first start in its slot (nothing heard then).
    expect(cov.downtime.filter((d) => d.cause === 'unknown').map((d) => [d.from, d.to])).to.deep.equal(period.from < firstStart.start.at ? [[period.from, firstStart.start.at]] : [])
    // Missed slots cover at least the stopped seconds; everything counted adds up.
    expect(cov.passes.missed).to.be.at.least(Math.floor(known.seconds) - 1)
    expect(cov.passes.run, 'passes go on while the coverage is gathered').to.be.at.least(runs(records).reduce((n, r) => n + r.passes, 0))
    expect(cov.passes.sealed + cov.passes.unchanged + cov.passes.failed).to.equal(cov.passes.run)
    expect(cov.passes.scheduled).to.be.at.least(cov.passes.missed)

    // Per core: B's changes sealed; A's stale spell still open (its writer never came back).
    expect(Object.keys(cov.cores).sort()).to.deep.equal([a.key, b.key].sort())
    expect(cov.cores[b.key].changesSealed, 'at 3 and 5 (and 4, if a pass came between the appends)').to.be.at.least(2)
    expect(cov.cores[b.key].longestUnsealedSeconds).to.be.a('number')
    expect(cov.cores[a.key].changesSealed).to.equal(1)
    const aStale = records.find((r): r is { stale: { key: string, at: string, reason: string } } => 'stale' in r && r.stale.key === a.key)!
    expect(cov.cores[a.key].stale).to.deep.equal([{ from: aStale.stale.at, to: null, reason: aStale.stale.reason }])
  })

  it('a kill leaves the open run kept and a silence without a stop: downtime `unknown` from the last pass to the start', async () => {
    const dataDir = tempDir('hs-passes-kill-')
    const writer = await localWriter()
    await appendN(writer.core, 3)
    const doomed = await startServiceChild(dataDir)
    await doomed.send(`watch ${writer.key} 127.0.0.1:${writer.port}`)
    await childReplicaAt(doomed, writer.key, 3)
    await doomed.send('seal')
    await doomed.send('seal')
    await doomed.kill()

    const service = await open(dataDir)
    const records = await service.journal.passes.records()
    expect(records.map((r) => Object.keys(r)[0]), 'no stop: the run the kill left open is closed at the start').to.deep.equal(['start', 'run', 'start'])
    const run = runs(records)[0]
    expect(run).to.include({ passes: 2, sealed: 1, unchanged: 1, failed: 0 })
    const start = records[2] as Extract<HistoryRecord, { start: unknown }>
    const first = (records[0] as Extract<HistoryRecord, { start: unknown }>).start.at
    const from = slotStart(first)
    const seals = sealTimes(await service.log.receipts(writer.key))
    // The embedded chain mines a block per transaction and its timestamps strictly increase, so
    // a seal made within a second or two of the chain's start can carry a time ahead of the wall
    // clock; a period ending "now" counts it once now has passed it.
    await waitFor(() => Date.now() > Math.max(...seals), 'the wall clock past the seal\'s block time', 10_000)
    const cov = await gatherCoverage(service.journal, new Map([[writer.key, seals]]), { cores: [writer.key], receiptsLog: service.log.key.toString('hex'), period: { from, to: new Date().toISOString() }, schedule: ENV.HYPERSEAL_SCHEDULE })
    const silence = (a: string, b: string): unknown => ({ from: a, to: b, seconds: (Date.parse(b) - Date.parse(a)) / 1000, cause: 'unknown' })
    expect(cov.downtime).to.deep.equal([...(from < first ? [silence(from, first)] : []), silence(run.to, start.start.at)])
    expect(cov.passes.run).to.equal(2)
    expect(cov.cores[writer.key].changesSealed).to.equal(1)
  })
})
