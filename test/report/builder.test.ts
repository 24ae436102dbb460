import { expect } from 'chai'
import fc from 'fast-check'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  auditReportSteps, buildAuditReport, canonicalReport, checkSignedReport, newReportKeyPair, nominalIntervalSeconds, signReport, type SignedReport
} from '../../src/report'
import { runCleanups, tempDir } from '../heads/helpers'
import { rewindIncident, synthetic } from '../support/report-fixtures'
import { cli } from './helpers'

/** Every path to a leaf (or to an object/array) of a JSON value. */
function paths (value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix]
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))]
}

function mutateAt (doc: unknown, path: Array<string | number>, how: number): unknown {
  const copy = JSON.parse(JSON.stringify(doc)) as Record<string | number, unknown>
  if (path.length === 0) return { ...copy, extra: true }
  let parent: Record<string | number, unknown> = copy
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>
  const last = path[path.length - 1]
  const old = parent[last]
  if (how === 0 && !Array.isArray(parent)) { delete parent[last]; return copy }
  if (typeof old === 'string') parent[last] = old.length > 0 ? old.slice(0, -1) + (old.endsWith('0') ? '1' : '0') : 'x'
  else if (typeof old === 'number') parent[last] = old + 1
  else if (typeof old === 'boolean') parent[last] = !old
  else if (old === null) parent[last] = 0
  else if (Array.isArray(old)) parent[last] = old.length > 0 ? old.slice(1) : [0]
  else parent[last] = { ...(old as object), tampered: 1 }
  return copy
}

describe('audit report builder (src/report, pure)', function () {
  this.timeout(60_000)
  afterEach(runCleanups)

  it('reads the nominal interval of a cron schedule', () => {
    const table: Array<[string, number]> = [
      ['* * * * *', 60], ['*/5 * * * *', 300], ['*/15 * * * *', 900], ['0 * * * *', 3600], ['0 */2 * * *', 7200],
      ['0 0 * * *', 86_400], ['* * * * * *', 1], ['*/10 * * * * *', 10], ['0,30 * * * *', 1800], ['0 0 1 1 *', 365 * 86_400]
    ]
    for (const [cron, seconds] of table) expect(nominalIntervalSeconds(cron), cron).to.equal(seconds)
  })

  it('finds the longest gap between seals and the schedule slots it skipped', () => {
    const t0 = 1_764_000_000
    const { input } = synthetic({ cores: 2, rounds: 4, times: [t0, t0 + 60, t0 + 120, t0 + 420] })
    const report = buildAuditReport(input)
    expect(report.policy.nominalIntervalSeconds).to.equal(60)
    for (const core of report.cores) {
      expect(core.seals.map((s) => s.length)).to.deep.equal([1, 2, 3, 4])
      expect(core.longestGapSeconds).to.equal(300)
      expect(core.missedSlots).to.equal(4)
      expect(core.first).to.deep.include({ length: 1, fork: 0 })
      expect(core.last).to.deep.include({ length: 4, fork: 0 })
      expect(core.latestHead).to.deep.equal({ length: 4, fork: 0, sealedAt: new Date((t0 + 420) * 1000).toISOString(), status: 'verified' })
    }
    // On a 5-minute schedule the same gap skips nothing.
    const relaxed = buildAuditReport({ ...input, policy: { ...input.policy, schedule: '*/5 * * * *' } })
    expect(relaxed.cores[0].missedSlots).to.equal(0)
    expect(report.summary).to.deep.include({ cores: 2, seals: 8, batches: 4, leaves: 8 })
    expect(report.summary.gasUsed).to.equal(String(50_000 * 4 + 6))
    expect(report.summary.feesWei).to.equal((BigInt(50_000 * 4 + 6) * 1_000_000_000n).toString())
    expect(report.summary.receipts).to.deep.equal({ total: 8, verified: 8, pending: 0, invalid: 0 })
  })

  it('keeps only the period, the selected cores and their batches', () => {
    const t0 = 1_764_000_000
    const { input } = synthetic({ cores: 3, rounds: 5, times: { start: t0, interval: 60 } })
    const one = input.cores[1]
    const report = buildAuditReport({ ...input, cores: [one], period: { from: new Date((t0 + 60) * 1000).toISOString(), to: new Date((t0 + 180) * 1000).toISOString() } })
    expect(report.cores.map((c) => c.key)).to.deep.equal([one])
    expect(report.cores[0].seals.map((s) => s.length)).to.deep.equal([2, 3])
    expect(report.batches.map((b) => b.seq)).to.deep.equal([1, 2])
    expect(report.receipts.map((r) => r.receipt.head.length)).to.deep.equal([2, 3])
    // The latest head is the core's newest seal of all time, even after the period.
    expect(report.cores[0].latestHead).to.deep.include({ length: 5 })
  })

  it('re-verifies every receipt against the chain answers and lists each invalid one', () => {
    const t0 = 1_764_000_000
    const { input, writers } = synthetic({ cores: 3, rounds: 3, times: { start: t0, interval: 60 }, confirmations: 3 })
    const k0 = writers[0].key.toString('hex')
    const k1 = writers[1].key.toString('hex')
    const rootOf = (k: string, i: number): string => input.receipts[k][i].receipt.seal.root
    // A receipt tampered with in the ledger, a root the chain forgot, a seal too recent to be final.
    input.receipts[k0][0].receipt = { ...input.receipts[k0][0].receipt, head: { ...input.receipts[k0][0].receipt.head, treeHash: 'ab'.repeat(32) } }
    ;(input.chain.seals as Record<string, unknown>)[rootOf(k1, 1)] = null
    input.chain.headBlock = 12 // rounds seal blocks 10, 11, 12: with 3 confirmations only block 10 is final
    const report = buildAuditReport(input)
    const byStatus = (s: string): string[] => report.receipts.filter((r) => r.status === s).map((r) => `${r.receipt.head.key}:${r.receipt.head.length}`)
    expect(byStatus('invalid').sort()).to.deep.equal([...writers.map((w) => `${w.key.toString('hex')}:2`), `${k0}:1`].sort())
    expect(report.receipts.find((r) => r.receipt.head.key === k0 && r.receipt.head.length === 1)!.reason).to.match(/^BAD_SIGNATURE/)
    expect(byStatus('pending')).to.have.length(3)
    expect(report.summary.receipts).to.deep.equal({ total: 9, verified: 2, pending: 3, invalid: 4 })
    // The fake "root the chain forgot" is a batch root: every core of that batch is invalid at length 2.
    expect(report.cores.every((c) => 'status' in c.latestHead && c.latestHead.status === 'pending')).to.equal(true)
  })

  it('reports incidents with their evidence and meaning, and marks the latest head', () => {
    const t0 = 1_764_000_000
    const { input, writers } = synthetic({ cores: 2, rounds: 2, times: { start: t0, interval: 60 } })
    input.incidents = [rewindIncident(writers[1], 2, t0 + 90), rewindIncident(writers[0], 2, t0 + 10_000_000)]
    const report = buildAuditReport(input)
    expect(report.incidents).to.have.length(1)
    expect(report.incidents[0].key).to.equal(writers[1].key.toString('hex'))
    expect(report.incidents[0].evidence).to.deep.equal({ source: 'seal-pass', note: '<script>alert(1)</script>' })
    expect(report.incidents[0].meaning).to.match(/went back/)
    expect(report.summary.incidents).to.deep.equal({ rewind: 1, fork: 0 })
    const status = Object.fromEntries(report.cores.map((c) => [c.key, c.latestHead.status]))
    expect(status[writers[1].key.toString('hex')]).to.equal('rewind')
    expect(status[writers[0].key.toString('hex')]).to.equal('verified')
  })

  it('is deterministic: the same facts in any order give the same bytes', () => {
    const t0 = 1_764_000_000
    const { input, writers } = synthetic({ cores: 4, rounds: 3, times: { start: t0, interval: 60 } })
    input.incidents = [rewindIncident(writers[0], 2, t0 + 30), rewindIncident(writers[2], 3, t0 + 30)]
    const expected = canonicalReport(buildAuditReport(input)).toString()
    fc.assert(fc.property(fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), (seeds) => {
      const shuffle = <T>(list: T[], seed: number): T[] => list.map((v, i) => ({ v, k: (i * 7919 + seed) % 104_729 })).sort((a, b) => a.k - b.k).map((x) => x.v)
      const receipts = Object.fromEntries(shuffle(Object.entries(input.receipts), seeds[0]).map(([k, v]) => [k, shuffle(v, seeds[1])]))
      const again = buildAuditReport({ ...input, cores: shuffle(input.cores, seeds[2]), receipts, batches: shuffle(input.batches, seeds[3]), incidents: shuffle(input.incidents, seeds[0] + 1) })
      return canonicalReport(again).toString() === expected
    }), { numRuns: 50 })
  })

  it('a signed report verifies; tampering with any field fails the check and `report verify`', async () => {
    const t0 = 1_764_000_000
    const { input, writers } = synthetic({ cores: 2, rounds: 2, times: { start: t0, interval: 60 } })
    input.incidents = [rewindIncident(writers[0], 2, t0 + 30)]
    const pair = newReportKeyPair()
    input.service.reportKey = pair.publicKey.toString('hex')
    const signed = signReport(buildAuditReport(input), pair.secretKey)
    const pinned = [pair.publicKey.toString('hex')]
    expect(checkSignedReport(signed, pinned).ok).to.equal(true)
    // Re-serialised with other key order and spacing, it still verifies (canonical JSON).
    const reversed = (v: unknown): unknown => v === null || typeof v !== 'object' ? v
      : Array.isArray(v) ? v.map(reversed) : Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]))
    expect(checkSignedReport(JSON.parse(JSON.stringify(reversed(signed), null, 4)), pinned).ok).to.equal(true)

    const all = paths(signed)
    fc.assert(fc.property(fc.constantFrom(...all), fc.nat({ max: 1 }), (path, how) => {
      const check = checkSignedReport(mutateAt(signed, path, how), pinned)
      return !check.ok
    }), { numRuns: 400 })

    const dir = tempDir('hs-report-')
    const good = join(dir, 'good.json')
    writeFileSync(good, JSON.stringify(signed))
    // Without a key to trust there is nothing to check the signature against.
    const unpinned = await cli(['report', 'verify', good])
    expect(unpinned.code, unpinned.stderr).to.equal(2)
    expect(unpinned.stderr).to.match(/--trust|--key/)
    const ok = await cli(['report', 'verify', good, '--key', pinned[0]])
    expect(ok.code, ok.stderr).to.equal(0)
    expect(ok.stdout).to.match(/signature ok/)
    const tampered = join(dir, 'tampered.json')
    for (const path of [['report', 'summary', 'seals'], ['report', 'incidents', 0, 'kind'], ['report', 'receipts', 1, 'receipt', 'head', 'length'], ['signature', 'sig']]) {
      writeFileSync(tampered, JSON.stringify(mutateAt(signed, path, 1)))
      const run = await cli(['report', 'verify', tampered, '--key', pinned[0]])
      expect(run.code, path.join('.')).to.equal(1)
    }
    // Another key, named consistently in the report, is a valid signature by someone else: the
    // report must name the key that signed it (KEY_MISMATCH otherwise).
    const other = newReportKeyPair()
    const resigned = signReport(signed.report, other.secretKey)
    expect(checkSignedReport(resigned, pinned)).to.deep.include({ ok: false, code: 'KEY_MISMATCH' })
    writeFileSync(tampered, JSON.stringify(resigned))
    expect((await cli(['report', 'verify', tampered, '--key', pinned[0]])).code).to.equal(1)
    // The forger's way: drop the incidents, name a fresh key as the service's, sign with it.
    // Consistent in itself; refused because it is not the key the verifier pinned.
    const forged = signReport({ ...signed.report, incidents: [], service: { ...signed.report.service, reportKey: other.publicKey.toString('hex') } }, other.secretKey)
    expect(checkSignedReport(forged, pinned)).to.deep.include({ ok: false, code: 'UNTRUSTED_KEY' })
    writeFileSync(tampered, JSON.stringify(forged))
    const refused = await cli(['report', 'verify', tampered, '--key', pinned[0]])
    expect(refused.code, refused.stdout).to.equal(1)
    expect(refused.stdout).to.match(/UNTRUSTED_KEY/)

    writeFileSync(tampered, '{ not json')
    expect((await cli(['report', 'verify', tampered, '--key', pinned[0]])).code).to.equal(2)
    writeFileSync(tampered, JSON.stringify({ v: 1, report: signed.report }))
    expect((await cli(['report', 'verify', tampered, '--key', pinned[0]])).code).to.equal(2)
    expect((await cli(['report', 'verify', join(dir, 'missing.json'), '--key', pinned[0]])).code).to.equal(2)
    expect((await cli(['report', 'verify', good, '--key', 'xyz'])).code).to.equal(2)
  })

  it('step by step (as the service drives it) gives the same report, yielding as it checks receipts', () => {
    const { input } = synthetic({ cores: 50, rounds: 9, times: { start: 1_764_000_000, interval: 60 } })
    const steps = auditReportSteps(input)
    const yielded: number[] = []
    let step = steps.next()
    while (step.done !== true) { yielded.push(step.value); step = steps.next() }
    expect(yielded).to.deep.equal([200, 400])
    expect(canonicalReport(step.value).equals(canonicalReport(buildAuditReport(input)))).to.equal(true)
  })

  it('signature covers the canonical report: a different report never carries another\'s signature', () => {
    const { input } = synthetic({ cores: 1, rounds: 2, times: { start: 1_764_000_000, interval: 60 } })
    const pair = newReportKeyPair()
    input.service.reportKey = pair.publicKey.toString('hex')
    const a = signReport(buildAuditReport(input), pair.secretKey)
    const b = signReport(buildAuditReport({ ...input, generatedAt: '2030-01-01T00:00:00.000Z' }), pair.secretKey)
    const swapped: SignedReport = { ...b, signature: a.signature }
    expect(checkSignedReport(swapped, [pair.publicKey.toString('hex')])).to.deep.include({ ok: false, code: 'BAD_SIGNATURE' })
  })
})
