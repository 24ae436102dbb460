/**
 * Coverage of the seal schedule (src/report/coverage.ts, pure): property tests against a
 * brute-force oracle over generated service histories (sessions of passes, clean stops and
 * crashes), and worked examples an auditor would check by hand.
 */
import { expect } from 'chai'
import fc from 'fast-check'
import type { HistoryRecord, PassRun } from '../../src/ledger'
import { computeCoverage, COVERAGE_LIST_MAX, type ReportCoverage } from '../../src/report'

const I = 60_000 // '* * * * *'
const DAY0 = Date.parse('2026-11-01T00:00:00.000Z')
const iso = (ms: number): string => new Date(ms).toISOString()

interface Session { gapSlots: number, passes: Array<'ok' | 'sealed' | 'failed' | 'skip'>, jitterMs: number, end: 'stop' | 'crash' }

/** A history as the service writes it: runs cut at a kind change or a slot with no pass. */
function historyOf (sessions: Session[]): { history: HistoryRecord[], expected: Array<{ from: number, to: number, cause: 'stopped' | 'unknown' }>, slotsRun: number[] } {
  const history: HistoryRecord[] = []
  const expected: Array<{ from: number, to: number, cause: 'stopped' | 'unknown' }> = []
  const slotsRun: number[] = []
  let slot = DAY0 / I + 60 // one hour into the day
  let prevEnd: { at: number, cause: 'stopped' | 'unknown' } = { at: -Infinity, cause: 'unknown' }
  for (const s of sessions) {
    slot += s.gapSlots
    const start = slot * I + s.jitterMs
    expected.push({ from: prevEnd.at, to: start, cause: prevEnd.cause })
    history.push({ start: { at: iso(start), schedule: '* * * * *', intervalSeconds: 60 } })
    let run: PassRun | null = null
    let lastAlive = start
    const close = (): void => { if (run !== null) history.push({ run }); run = null }
    for (const p of s.passes) {
      slot += 1
      if (p === 'skip') { close(); continue }
      const t = slot * I + s.jitterMs
      slotsRun.push(slot)
      lastAlive = t
      const failed = p === 'failed'
      const cur = run as PassRun | null
      if (cur !== null && (cur.failed > 0) === failed) {
        run = { ...cur, to: iso(t), passes: cur.passes + 1, sealed: cur.sealed + (p === 'sealed' ? 1 : 0), unchanged: cur.unchanged + (p === 'ok' ? 1 : 0), failed: cur.failed + (failed ? 1 : 0) }
      } else {
        close()
        run = { from: iso(t), to: iso(t), passes: 1, sealed: p === 'sealed' ? 1 : 0, unchanged: p === 'ok' ? 1 : 0, failed: failed ? 1 : 0, checked: 1, changed: 0, stale: 0, ...(failed ? { code: 'CHAIN_UNAVAILABLE', reason: 'down' } : {}) }
      }
    }
    close()
    if (s.end === 'stop') {
      const stop = lastAlive + 1000
      history.push({ stop: { at: iso(stop) } })
      prevEnd = { at: stop, cause: 'stopped' }
    } else {
      prevEnd = { at: lastAlive, cause: 'unknown' }
    }
    slot += 1
  }
  if (prevEnd.cause === 'stopped') expected.push({ from: prevEnd.at, to: Infinity, cause: 'stopped' })
  return { history, expected, slotsRun }
}

const session = fc.record({
  gapSlots: fc.integer({ min: 0, max: 30 }),
  passes: fc.array(fc.constantFrom('ok', 'ok', 'ok', 'sealed', 'failed', 'skip'), { maxLength: 25 }),
  jitterMs: fc.integer({ min: 0, max: 20_000 }),
  end: fc.constantFrom('stop', 'crash')
}) as fc.Arbitrary<Session>

const clip = (list: Array<{ from: number, to: number, cause: string }>, F: number, T: number): Array<{ from: string, to: string, cause: string }> =>
  list.map((d) => ({ from: Math.max(d.from, F), to: Math.min(d.to, T), cause: d.cause })).filter((d) => d.to > d.from).map((d) => ({ from: iso(d.from), to: iso(d.to), cause: d.cause }))

describe('coverage of the seal schedule (pure)', function () {
  it('counts missed slots, passes and downtime as a brute-force reading of the history does', function () {
    fc.assert(fc.property(fc.array(session, { minLength: 1, maxLength: 6 }), fc.integer({ min: -120, max: 600 }), fc.integer({ min: 0, max: 900 }), (sessions, fromMin, lengthMin) => {
      const { history, expected, slotsRun } = historyOf(sessions)
      const F = DAY0 + 3600_000 + fromMin * 60_000 + 7_000 // not aligned to a slot
      const T = F + lengthMin * 60_000
      const cov = computeCoverage({ history, seals: [], watched: [] }, { from: iso(F), to: iso(T) }, '* * * * *')
      const slots: number[] = []
      for (let k = Math.ceil(F / I); k * I < T; k++) slots.push(k)
      const ran = new Set(slotsRun)
      expect(cov.passes.scheduled).to.equal(slots.length)
      expect(cov.passes.missed).to.equal(slots.filter((k) => !ran.has(k)).length)
      expect(cov.missed.reduce((n, m) => n + m.slots, 0)).to.equal(cov.passes.missed)
      expect(cov.passes.sealed + cov.passes.unchanged + cov.passes.failed).to.equal(cov.passes.run)
      // One pass a slot here: the passes run are the slots covered.
      expect(cov.passes.run).to.equal(slots.filter((k) => ran.has(k)).length)
      expect(cov.passes.run + cov.passes.missed).to.equal(cov.passes.scheduled)
      expect(cov.downtime.map((d) => ({ from: d.from, to: d.to, cause: d.cause }))).to.deep.equal(clip(expected, F, T))
      checkShape(cov, F, T)
    }), { numRuns: 150 })
  })

  it('keeps every list within bounds, earliest first, inside the period, whatever the history', function () {
    fc.assert(fc.property(fc.array(session, { minLength: 0, maxLength: 4 }), fc.integer({ min: -600, max: 600 }), fc.integer({ min: 0, max: 2000 }), (sessions, fromMin, lengthMin) => {
      const { history } = historyOf(sessions)
      const F = DAY0 + fromMin * 60_000
      checkShape(computeCoverage({ history, seals: [], watched: [] }, { from: iso(F), to: iso(F + lengthMin * 60_000) }, '*/5 * * * *'), F, F + lengthMin * 60_000)
    }), { numRuns: 100 })
  })

  it('tells idle from down: a day of unchanged passes with a two-hour stop, per core', function () {
    const day = DAY0
    const key = 'ab'.repeat(32)
    const h = (hours: number): string => iso(day + hours * 3600_000)
    const history: HistoryRecord[] = [
      { start: { at: iso(day - 30_000), schedule: '* * * * *', intervalSeconds: 60 } },
      { run: { from: h(0), to: iso(day + 10 * 3600_000 - 60_000), passes: 600, sealed: 2, unchanged: 598, failed: 0, checked: 600, changed: 2, stale: 0 } },
      { stale: { key, at: h(3), reason: 'no peer answered' } },
      { back: { key, at: h(4) } },
      { stop: { at: h(10) } },
      { start: { at: h(12), schedule: '* * * * *', intervalSeconds: 60 } },
      { run: { from: iso(day + 12 * 3600_000 + 60_000), to: iso(day + 24 * 3600_000 - 60_000), passes: 719, sealed: 1, unchanged: 718, failed: 0, checked: 719, changed: 1, stale: 0 } }
    ]
    const seals = [{ key, at: iso(day + 3600_000 + 2000) }, { key, at: iso(day + 4 * 3600_000 + 2000) }, { key, at: iso(day + 12 * 3600_000 + 62_000) }]
    const cov = computeCoverage({ history, seals, watched: [{ key, addedAt: iso(day - 3600_000) }] }, { from: h(0), to: h(24) }, '* * * * *')
    expect(cov.passes).to.deep.equal({ scheduled: 1440, run: 1319, sealed: 3, unchanged: 1316, failed: 0, missed: 121 })
    expect(cov.missed).to.deep.equal([{ from: h(10), to: iso(day + 12 * 3600_000 + 60_000), slots: 121 }])
    expect(cov.downtime).to.deep.equal([{ from: h(10), to: h(12), seconds: 7200, cause: 'stopped' }])
    expect(cov.downtimeSeconds).to.equal(7200)
    expect(cov.cores[key]).to.deep.equal({
      watched: [{ from: h(0), to: null }],
      changesSealed: 3,
      stale: [{ from: h(3), to: h(4), reason: 'no peer answered' }],
      // The seal after the restart waited at most from the last pass before the stop.
      longestUnsealedSeconds: (12 * 3600_000 + 62_000 - (10 * 3600_000 - 60_000)) / 1000
    })
    // The stale spell: the change sealed by the pass that found the core back (4:00:02) waited since 3:00 at most.
    const morning = computeCoverage({ history, seals: seals.slice(0, 2), watched: [{ key, addedAt: iso(day - 3600_000) }] }, { from: h(0), to: h(6) }, '* * * * *')
    expect(morning.cores[key].longestUnsealedSeconds).to.equal(3600 + 2)
    expect(morning.downtime).to.deep.equal([])
  })

  it('counts a crash as unknown downtime from the last pass, and lists only cores watched in the period', function () {
    const a = '0a'.repeat(32)
    const b = '0b'.repeat(32)
    const c = '0c'.repeat(32)
    const history: HistoryRecord[] = [
      { start: { at: iso(DAY0), schedule: '* * * * *', intervalSeconds: 60 } },
      { run: { from: iso(DAY0 + 60_000), to: iso(DAY0 + 600_000), passes: 10, sealed: 0, unchanged: 10, failed: 0, checked: 10, changed: 0, stale: 0 } },
      { unwatch: { key: b, at: iso(DAY0 - 1000), addedAt: iso(DAY0 - 7200_000) } },
      { start: { at: iso(DAY0 + 900_000), schedule: '* * * * *', intervalSeconds: 60 } }
    ]
    const cov = computeCoverage({ history, seals: [], watched: [{ key: a, addedAt: iso(DAY0 - 1) }, { key: c, addedAt: iso(DAY0 + 3600_000) }] }, { from: iso(DAY0), to: iso(DAY0 + 1800_000) }, '* * * * *')
    expect(cov.downtime).to.deep.equal([{ from: iso(DAY0 + 600_000), to: iso(DAY0 + 900_000), seconds: 300, cause: 'unknown' }])
    expect(Object.keys(cov.cores)).to.deep.equal([a])
    expect(cov.cores[a].longestUnsealedSeconds).to.equal(null)
  })

  it('cuts a run at the period\'s edge in proportion to its slots inside', function () {
    const history: HistoryRecord[] = [
      { start: { at: iso(DAY0 - 1000), schedule: '* * * * *', intervalSeconds: 60 } },
      { run: { from: iso(DAY0), to: iso(DAY0 + 99 * 60_000), passes: 100, sealed: 50, unchanged: 50, failed: 0, checked: 100, changed: 50, stale: 0 } }
    ]
    const cov = computeCoverage({ history, seals: [], watched: [] }, { from: iso(DAY0 + 50 * 60_000), to: iso(DAY0 + 150 * 60_000) }, '* * * * *')
    expect(cov.passes).to.deep.equal({ scheduled: 100, run: 50, sealed: 25, unchanged: 25, failed: 0, missed: 50 })
  })
})

function checkShape (cov: ReportCoverage, F: number, T: number): void {
  expect(cov.missed.length).to.be.at.most(COVERAGE_LIST_MAX)
  expect(cov.failed.length).to.be.at.most(COVERAGE_LIST_MAX)
  expect(cov.downtime.length).to.be.at.most(COVERAGE_LIST_MAX)
  expect(cov.passes.missed).to.be.at.most(cov.passes.scheduled)
  expect(cov.passes.sealed + cov.passes.unchanged + cov.passes.failed).to.equal(cov.passes.run)
  let prev = F
  let total = 0
  for (const d of cov.downtime) {
    const [a, b] = [Date.parse(d.from), Date.parse(d.to)]
    expect(a, 'in the period, in order, apart').to.be.at.least(prev)
    expect(b).to.be.above(a).and.at.most(T)
    expect(d.seconds).to.equal((b - a) / 1000)
    total += d.seconds
    prev = b
  }
  expect(cov.downtimeSeconds).to.be.closeTo(total, 1e-6)
  expect(cov.downtimeSeconds).to.be.at.most(Math.max(0, T - F) / 1000)
  for (const m of cov.missed) expect(Date.parse(m.from)).to.be.at.least(F).and.below(T)
}
