// Pass history bytes per day at one pass a minute (healthy, with an outage, flapping) and the time to compute a year's coverage.
//
// Run: `npm run bench -- passes [--days 1]` (see scripts/bench.js). Each scenario writes
// `--days` days of passes, one a minute, into a real pass history (src/ledger/pass-history.ts:
// the JSON-lines file and the open run's file, fsynced as the service does) in a temp dir, with
// pass times set by the bench (so a day takes seconds, not a day). Scenarios:
// - healthy: a seal every fifth pass, the others unchanged, 4 stale/back transitions a day;
// - outage: healthy, plus one hour a day of failed passes (the chain down) and a restart;
// - flapping: every other pass fails (the worst case for runs: one record per pass).
// Then a year of the outage scenario's records (the day repeated 365 times, in memory) goes
// through `computeCoverage` with 100 cores' seals: its time is printed.
import { PassHistory, type HistoryRecord, type PassInput } from '../src/ledger'
import { computeCoverage } from '../src/report'
import { machine, num, printChecks, printTable, secs } from './support/measure'
import { intFlags } from './support/flags'
import { tempDir } from './support/temp-dir'

const DAY = 86_400_000
const MIN = 60_000
const T0 = Date.parse('2026-01-01T00:00:00.000Z')
/** Target: a healthy year stays under a megabyte (issue 14: "bounded disk"). */
const HEALTHY_YEAR_LIMIT = 1_000_000
const COVERAGE_YEAR_LIMIT_MS = 10_000

type Scenario = 'healthy' | 'outage' | 'flapping'

function outcomeOf (scenario: Scenario, minute: number): PassInput['outcome'] {
  const ofDay = minute % 1440
  if (scenario === 'flapping') return ofDay % 2 === 0 ? 'failed' : 'unchanged'
  if (scenario === 'outage' && ofDay >= 600 && ofDay < 660) return 'failed'
  return ofDay % 5 === 0 ? 'sealed' : 'unchanged'
}

async function runScenario (scenario: Scenario, days: number): Promise<{ bytes: number, msPerPass: number, records: HistoryRecord[] }> {
  const tmp = tempDir('hs-bench-passes-')
  const history = await PassHistory.open(tmp.dir)
  try {
    await history.recordStart('* * * * *', 60, new Date(T0 - 1000))
    const key = (i: number): string => i.toString(16).padStart(64, '0')
    let batch = 0
    const started = performance.now()
    for (let m = 0; m < days * 1440; m++) {
      const at = T0 + m * MIN + 150
      if (scenario === 'outage' && m % 1440 === 700) {
        await history.recordStop(new Date(at - 100))
        await history.recordStart('* * * * *', 60, new Date(at - 50))
      }
      const outcome = outcomeOf(scenario, m)
      await history.recordPass({ at: new Date(at), outcome, checked: 100, changed: outcome === 'sealed' ? 3 : 0, stale: 0, ...(outcome === 'sealed' ? { batch: batch++ } : {}), ...(outcome === 'failed' ? { code: 'CHAIN_UNAVAILABLE', reason: 'The chain RPC did not answer within 10 s.' } : {}) })
      if (scenario !== 'flapping' && m % 360 === 100) await history.recordCores([{ stale: { key: key(m % 7), at: new Date(at).toISOString(), reason: 'no peer sent block 41 in time' } }])
      if (scenario !== 'flapping' && m % 360 === 130) await history.recordCores([{ back: { key: key((m - 30) % 7), at: new Date(at).toISOString() } }])
    }
    const msPerPass = (performance.now() - started) / (days * 1440)
    await history.recordStop(new Date(T0 + days * DAY - 1000))
    return { bytes: history.fileBytes, msPerPass, records: await history.records() }
  } finally {
    await history.close()
    tmp.remove()
  }
}

function yearOf (day: HistoryRecord[]): HistoryRecord[] {
  const shift = (iso: string, d: number): string => new Date(Date.parse(iso) + d * DAY).toISOString()
  const out: HistoryRecord[] = []
  for (let d = 0; d < 365; d++) {
    for (const r of day) {
      if ('run' in r) out.push({ run: { ...r.run, from: shift(r.run.from, d), to: shift(r.run.to, d) } })
      else if ('start' in r) out.push({ start: { ...r.start, at: shift(r.start.at, d) } })
      else if ('stop' in r) out.push({ stop: { at: shift(r.stop.at, d) } })
      else if ('stale' in r) out.push({ stale: { ...r.stale, at: shift(r.stale.at, d) } })
      else if ('back' in r) out.push({ back: { ...r.back, at: shift(r.back.at, d) } })
    }
  }
  return out
}

async function main (): Promise<void> {
  const args = intFlags(process.argv.slice(2), { days: 1 }, 1, 'npm run bench -- passes [--days N ≥ 1]')
  if (args === null) return
  console.log(`machine: ${machine()}`)
  console.log(`${num(args.days)} day(s) of passes, one a minute, per scenario; pass history on disk (fsynced)\n`)
  const results: Array<{ scenario: Scenario, perDay: number, msPerPass: number, records: HistoryRecord[] }> = []
  for (const scenario of ['healthy', 'outage', 'flapping'] as const) {
    const r = await runScenario(scenario, args.days)
    results.push({ scenario, perDay: r.bytes / args.days, msPerPass: r.msPerPass, records: r.records })
  }
  printTable(['scenario', 'bytes per day', 'bytes per year (x365)', 'records per day', 'write per pass'], results.map((r) => [
    r.scenario, num(Math.round(r.perDay)), num(Math.round(r.perDay * 365)), num(Math.round(r.records.length / args.days)), `${r.msPerPass.toFixed(2)} ms`
  ]))

  const outageDay = results.find((r) => r.scenario === 'outage')!.records.filter((r) => {
    const t = 'run' in r ? r.run.from : 'start' in r ? r.start.at : 'stop' in r ? r.stop.at : 'stale' in r ? r.stale.at : 'back' in r ? r.back.at : ''
    return t < new Date(T0 + DAY).toISOString()
  })
  const year = yearOf(outageDay)
  const cores = Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(64, '0'))
  const seals = cores.flatMap((key, i) => Array.from({ length: 1000 }, (_, j) => ({ key, at: new Date(T0 + j * 8 * 3600_000 + i * 1000 + 2000).toISOString() })))
  const started = performance.now()
  const cov = computeCoverage({ history: year, seals, watched: cores.map((key) => ({ key, addedAt: new Date(T0 - DAY).toISOString() })) }, { from: new Date(T0).toISOString(), to: new Date(T0 + 365 * DAY).toISOString() }, '* * * * *')
  const coverageMs = performance.now() - started
  console.log(`\na year of the outage scenario: ${num(year.length)} records, 100 cores with 1,000 seals each: computeCoverage ${secs(coverageMs)}`)
  console.log(`  scheduled ${num(cov.passes.scheduled)}, run ${num(cov.passes.run)}, failed ${num(cov.passes.failed)}, missed ${num(cov.passes.missed)}, downtime ${num(cov.downtimeSeconds)} s in ${num(cov.downtime.length)} intervals (list capped at 100)`)

  const healthy = results.find((r) => r.scenario === 'healthy')!
  printChecks([
    { ok: healthy.perDay * 365 <= HEALTHY_YEAR_LIMIT, text: `a healthy year at one pass a minute: ${num(Math.round(healthy.perDay * 365))} bytes (target ≤ ${num(HEALTHY_YEAR_LIMIT)})` },
    { ok: coverageMs <= COVERAGE_YEAR_LIMIT_MS, text: `coverage of a year computed in ${secs(coverageMs)} (target ≤ ${secs(COVERAGE_YEAR_LIMIT_MS)})` }
  ])
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
