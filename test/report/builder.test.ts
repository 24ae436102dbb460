import { expect } from 'chai'
import fc from 'fast-check'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import {
  buildAuditReport as buildBoth, canonicalReport, checkSignedReport, CONTROLS, latestOf, newReportKeyPair, nominalIntervalSeconds, ReportAccumulator,
  renderSignedJson, signReport, type AuditReport, type ReceiptEntry, type ReportInput, type ReportReceipt, type SignedReport
} from '../../src/report'
import { headFromJson, LEAF_ENCODING, leafHash, leafOf } from '../../src/seal'
import { foldProof, type FoldMemo } from '../../src/verify'
import { runCleanups, tempDir } from '../heads/helpers'
import { handCoverage, rewindIncident, synthetic } from '../support/report-fixtures'
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

const buildAuditReport = (input: ReportInput): AuditReport => buildBoth(input).report
const linesOf = (input: ReportInput): ReportReceipt[] => buildBoth(input).receiptsFile.toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ReportReceipt)

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

  it('finds the longest time between seals, the first, last and latest head, and the fees in ETH', () => {
    const t0 = 1_764_000_000
    const { input } = synthetic({ cores: 2, rounds: 4, times: [t0, t0 + 60, t0 + 120, t0 + 420] })
    const report = buildAuditReport(input)
    expect(report.v).to.equal(2)
    expect(report.policy.nominalIntervalSeconds).to.equal(60)
    for (const core of report.cores) {
      expect(core.seals).to.equal(4)
      expect(core.longestGapSeconds).to.equal(300)
      expect(core.activity.reduce((a, b) => a + b, 0)).to.equal(4)
      expect(core.first).to.deep.include({ length: 1, fork: 0 })
      expect(core.last).to.deep.include({ length: 4, fork: 0 })
      expect(core.latestHead).to.deep.equal({ length: 4, fork: 0, sealedAt: new Date((t0 + 420) * 1000).toISOString(), status: 'verified' })
    }
    expect(report.summary).to.deep.include({ cores: 2, seals: 8, batches: 4, leaves: 8 })
    expect(report.summary.gasUsed).to.equal(String(50_000 * 4 + 6))
    const wei = BigInt(50_000 * 4 + 6) * 1_000_000_000n
    expect(report.summary.feesWei).to.equal(wei.toString())
    expect(report.summary.feesEth).to.equal('0.000200006')
    expect(report.receiptsLog.batches[0]).to.deep.include({ feeWei: '50000000000000', feeEth: '0.00005' })
    expect(report.summary.receipts).to.deep.equal({ total: 8, verified: 8, pending: 0, invalid: 0 })
    expect(report.receipts).to.deep.include({ lines: 8, verified: 8, pending: 0, invalid: 0, exceptions: [] })
  })

  it('scales the timeline to the period: minutes for an hour, hours for a day, days for a month, weeks for a year', () => {
    const { input } = synthetic({ cores: 1, rounds: 1, times: [1_764_000_000] })
    const scale = (from: string, to: string): AuditReport['timeline'] => buildAuditReport({ ...input, period: { from, to } }).timeline
    expect(scale('2025-11-24T00:00:00Z', '2025-11-24T01:00:00Z')).to.deep.equal({ unit: 'minute', binSeconds: 60, bins: 60 })
    expect(scale('2025-11-24T00:00:00Z', '2025-11-25T00:00:00Z')).to.deep.equal({ unit: 'hour', binSeconds: 3600, bins: 24 })
    expect(scale('2025-11-01T00:00:00Z', '2025-12-01T00:00:00Z')).to.deep.equal({ unit: 'day', binSeconds: 86_400, bins: 30 })
    expect(scale('2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).to.deep.equal({ unit: 'week', binSeconds: 604_800, bins: 53 })
    expect(scale('2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z').bins).to.be.at.most(96)
    // 100 minutes: 2-minute cells rather than two hours.
    expect(scale('2025-11-24T00:00:00Z', '2025-11-24T01:40:00Z')).to.deep.equal({ unit: 'minute', binSeconds: 120, bins: 50 })
  })

  it('keeps only the period, the selected cores and their batches; names the parameters and the command', () => {
    const t0 = 1_764_000_000
    const { input } = synthetic({ cores: 3, rounds: 5, times: { start: t0, interval: 60 } })
    const one = input.cores[1]
    const period = { from: new Date((t0 + 60) * 1000).toISOString(), to: new Date((t0 + 180) * 1000).toISOString() }
    const selected = { ...input, cores: [one], selection: [one], period }
    const report = buildAuditReport(selected)
    expect(report.cores.map((c) => c.key)).to.deep.equal([one])
    expect(report.cores[0].seals).to.equal(2)
    expect(report.receiptsLog.batches.map((b) => b.seq)).to.deep.equal([1, 2])
    expect(linesOf(selected).map((r) => r.receipt.head.length)).to.deep.equal([2, 3])
    // The latest head is the core's newest seal of all time, even after the period.
    expect(report.cores[0].latestHead).to.deep.include({ length: 5 })
    expect(report.parameters).to.deep.equal({
      period, trustRoot: input.trust.fingerprint, chain: { chainId: 31337, contract: input.service.contract, embedded: false },
      confirmations: 1, schedule: '* * * * *', nominalIntervalSeconds: 60, cores: [one]
    })
    expect(report.reperform.commands[1]).to.equal(`hyperseal report --from ${period.from} --to ${period.to} --key ${one} --format json -o hyperseal-audit-${period.from.slice(0, 10)}_${period.to.slice(0, 10)}.json`)
    expect(report.reperform.commands[0]).to.match(/^hyperseal report verify \S+\.pdf --trust trust\.json --rpc /)
    expect(report.reperform.notes.join(' ')).to.include(input.trust.fingerprint)
  })

  it('reports only the cores watched in the period, never the receipts log', () => {
    const t0 = 1_764_000_000
    const { input } = synthetic({ cores: 3, rounds: 2, times: { start: t0, interval: 60 } })
    const [a, b, c] = input.cores
    const late = { ...input, cores: [...input.cores, input.service.receiptsLog, 'cd'.repeat(32), 'ef'.repeat(32)], watchedSince: { ['cd'.repeat(32)]: '2030-01-01T00:00:00.000Z', ['ef'.repeat(32)]: '2000-01-01T00:00:00.000Z' } }
    // A core added after the period is not in it; one watched since before, idle, is; the log never is.
    expect(buildAuditReport(late).cores.map((k) => k.key)).to.deep.equal([a, b, c, 'ef'.repeat(32)].sort())
    // With pass records, a core's watched intervals decide (a sealed core stays: its seals are in the period).
    const coverage = handCoverage([a])
    coverage.cores['ef'.repeat(32)] = { watched: [{ from: '2001-01-01T00:00:00.000Z', to: '2002-01-01T00:00:00.000Z' }], changesSealed: 0, stale: [], longestUnsealedSeconds: null }
    expect(buildAuditReport({ ...late, coverage }).cores.map((k) => k.key)).to.deep.equal([a, b, c].sort())
  })

  it('carries the coverage as given, and says it in the headline; without records it says idle and down cannot be told apart', () => {
    const { input } = synthetic({ cores: 2, rounds: 2, times: { start: 1_764_000_000, interval: 60 } })
    const coverage = handCoverage(input.cores)
    const report = buildAuditReport({ ...input, coverage })
    expect(report.coverage).to.deep.equal(coverage)
    expect(report.headline).to.have.length(5)
    expect(report.headline[2]).to.equal('The schedule called for 1440 passes: 1409 ran (30 sealed changes, 1378 found nothing new), 1 failed and 31 were missed; the service was down for 30 minutes.')
    const none = buildAuditReport(input)
    expect(none.coverage).to.equal(null)
    expect(none.headline[2]).to.match(/no record of its passes.*cannot be told apart/)
  })

  it('re-verifies every receipt against the chain answers and names each that does not hold', () => {
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
    const lines = linesOf(input)
    const byStatus = (s: string): string[] => lines.filter((r) => r.status === s).map((r) => `${r.receipt.head.key}:${r.receipt.head.length}`)
    expect(byStatus('invalid').sort()).to.deep.equal([...writers.map((w) => `${w.key.toString('hex')}:2`), `${k0}:1`].sort())
    expect(lines.find((r) => r.receipt.head.key === k0 && r.receipt.head.length === 1)!.reason).to.match(/^BAD_SIGNATURE/)
    expect(byStatus('pending')).to.have.length(3)
    expect(report.summary.receipts).to.deep.equal({ total: 9, verified: 2, pending: 3, invalid: 4 })
    expect(report.receipts.exceptions.map((e) => `${e.key}:${e.length}:${e.status}`).sort()).to.deep.equal(
      [...byStatus('invalid').map((x) => `${x}:invalid`), ...byStatus('pending').map((x) => `${x}:pending`)].sort())
    expect(report.headline[0]).to.match(/^The logs were NOT intact: 4 seal receipts no longer holding/)
    expect(report.cores.every((c) => 'status' in c.latestHead && c.latestHead.status === 'pending')).to.equal(true)
  })

  it('checks proofs by the leaf-hash path, which agrees with OpenZeppelin\'s on good and bad proofs', () => {
    const { input } = synthetic({ cores: 5, rounds: 2, times: { start: 1_764_000_000, interval: 60 } })
    const receipts = Object.values(input.receipts).flat().map((e) => e.receipt)
    const memo: FoldMemo = new Map()
    fc.assert(fc.property(fc.constantFrom(...receipts), fc.integer({ min: -1, max: 3 }), fc.nat({ max: 63 }), fc.boolean(), (r, node, digit, upper) => {
      const proof = [...r.proof]
      if (node >= 0 && node < proof.length) proof[node] = proof[node].slice(0, 2 + digit) + (proof[node][2 + digit] === '0' ? '1' : '0') + proof[node].slice(3 + digit)
      const head = headFromJson(r.head)
      const root = foldProof(leafHash(head), proof)
      // Hex in capitals folds to the same root (0x kept), through the same memo.
      const given = upper ? proof.map((p) => '0x' + p.slice(2).toUpperCase()) : proof
      // A memo shared across receipts, good and bad, never changes an answer.
      return root === foldProof(leafHash(head), given, memo) && (root === r.seal.root) === StandardMerkleTree.verify(r.seal.root, LEAF_ENCODING, leafOf(head), proof)
    }), { numRuns: 200 })
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
    expect(report.headline[0]).to.match(/^The logs were NOT intact: 1 rewind in the period/)
    expect(report.headline[3]).to.match(/^Incidents: rewind of core /)
    const status = Object.fromEntries(report.cores.map((c) => [c.key, c.latestHead.status]))
    expect(status[writers[1].key.toString('hex')]).to.equal('rewind')
    expect(status[writers[0].key.toString('hex')]).to.equal('verified')
  })

  it('takes as a core\'s latest receipt the one sealed last, the block deciding within one second (a rewind sealed right after the longer history)', () => {
    type Entry = ReportInput['receipts'][string][number]
    const entry = (length: number, fork: number, timestamp: number, blockNumber: number): Entry =>
      ({ receipt: { head: { key: 'k', length, fork }, seal: { timestamp, blockNumber, root: `0x${blockNumber}` } } }) as unknown as Entry
    const longer = entry(4, 0, 1_000, 10)
    const rewind = entry(3, 1, 1_000, 11)
    // In either order: the rewind (block 11) is the latest, though shorter and in the same second.
    expect(latestOf({ k: [longer, rewind] }).k).to.equal(rewind)
    expect(latestOf({ k: [rewind, longer] }).k).to.equal(rewind)
    // A later second wins whatever the block says; within one block, the longer head.
    const later = entry(2, 1, 1_001, 9)
    expect(latestOf({ k: [longer, rewind, later] }).k).to.equal(later)
    const sameBlock = entry(5, 0, 1_000, 11)
    expect(latestOf({ k: [rewind, sameBlock] }).k).to.equal(sameBlock)
  })

  it('is deterministic: the same facts in any order give the same report and receipts file bytes', () => {
    const t0 = 1_764_000_000
    const { input, writers } = synthetic({ cores: 4, rounds: 3, times: { start: t0, interval: 60 } })
    input.incidents = [rewindIncident(writers[0], 2, t0 + 30), rewindIncident(writers[2], 3, t0 + 30)]
    const first = buildBoth(input)
    const expected = canonicalReport(first.report).toString()
    fc.assert(fc.property(fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), (seeds) => {
      const shuffle = <T>(list: T[], seed: number): T[] => list.map((v, i) => ({ v, k: (i * 7919 + seed) % 104_729 })).sort((a, b) => a.k - b.k).map((x) => x.v)
      const receipts = Object.fromEntries(shuffle(Object.entries(input.receipts), seeds[0]).map(([k, v]) => [k, shuffle(v, seeds[1])]))
      const again = buildBoth({ ...input, cores: shuffle(input.cores, seeds[2]), receipts, batches: shuffle(input.batches, seeds[3]), incidents: shuffle(input.incidents, seeds[0] + 1) })
      return canonicalReport(again.report).toString() === expected && again.receiptsFile.equals(first.receiptsFile)
    }), { numRuns: 50 })
  })

  it('fed a batch at a time (as the service does) gives the same report; a chunk out of time order is refused', () => {
    const { input } = synthetic({ cores: 6, rounds: 5, times: { start: 1_764_000_000, interval: 60 } })
    const { receipts, ...rest } = input
    const acc = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
    const all = Object.values(receipts).flat()
    const parts: Buffer[] = []
    // add's lines are valid until the next add (one buffer, reused): each copied.
    for (let r = 0; r < 5; r++) parts.push(Buffer.from(acc.add(all.filter((e) => e.receipt.seal.timestamp === 1_764_000_000 + r * 60))))
    const once = buildBoth(input)
    expect(canonicalReport(acc.finish()).equals(canonicalReport(once.report))).to.equal(true)
    expect(Buffer.concat(parts).equals(once.receiptsFile)).to.equal(true)
    const late = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
    late.add(all.filter((e) => e.receipt.seal.timestamp === 1_764_000_120))
    expect(() => late.add(all.filter((e) => e.receipt.seal.timestamp === 1_764_000_060))).to.throw(RangeError)
  })

  it('reuses a chunk\'s buffer once it is added: the chunk then reads empty, later chunks write the same lines as alone', () => {
    const { input } = synthetic({ cores: 6, rounds: 5, times: { start: 1_764_000_000, interval: 60 } })
    const { receipts, ...rest } = input
    const all = Object.values(receipts).flat()
    const round = (r: number): ReceiptEntry[] => all.filter((e) => e.receipt.seal.timestamp === 1_764_000_000 + r * 60)
    const acc = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
    const first = acc.prepare(round(0))
    const held = first.bytes.buffer
    const text0 = first.text(0)
    expect(round(0).map((e) => JSON.stringify(e.receipt))).to.include(text0)
    acc.add(first)
    expect(first.bytes.length, 'an added chunk holds no texts').to.equal(0)
    expect(first.text(0)).to.equal('')
    const second = acc.prepare(round(1))
    expect(second.bytes.buffer, 'the next chunk\'s texts go into the buffer given back').to.equal(held)
    // Each chunk's lines equal those of a fresh accumulator given only that chunk's period.
    const lines = Buffer.from(acc.add(second))
    const alone = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
    alone.add(round(0))
    expect(lines.equals(alone.add(round(1)))).to.equal(true)
  })

  it('maps its evidence to the five controls, in words that support and never certify', () => {
    const { input } = synthetic({ cores: 1, rounds: 1, times: [1_764_000_000] })
    const report = buildAuditReport(input)
    expect(report.controls).to.deep.equal(CONTROLS)
    expect(CONTROLS.map((c) => `${c.framework} ${c.control}`)).to.deep.equal([
      'ISO/IEC 27001:2022 A.8.15', 'SOC 2 (2017 TSC) CC7.2', 'PCI DSS v4.0.1 10.3.4', 'SEC Rule 17a-4(f) Audit-trail alternative (17a-4(f)(2)(i)(A))', 'eIDAS (Regulation (EU) 2024/1183) Art. 45l'
    ])
    for (const c of CONTROLS) {
      expect(c.statement, c.control).to.match(/^Supports /)
      expect(c.statement, c.control).not.to.match(/\bcertif|\bcomplies|\bguarantee/i)
      expect(c.evidence.length).to.be.greaterThan(0)
    }
  })

  it('a signed report verifies; tampering with any field, or with the receipts file, is refused (check and `report verify`)', async () => {
    const t0 = 1_764_000_000
    const { input, writers } = synthetic({ cores: 2, rounds: 2, times: { start: t0, interval: 60 } })
    input.incidents = [rewindIncident(writers[0], 2, t0 + 30)]
    const pair = newReportKeyPair()
    input.service.reportKey = pair.publicKey.toString('hex')
    const built = buildBoth(input)
    const signed = signReport(built.report, pair.secretKey)
    const pinned = [pair.publicKey.toString('hex')]
    expect(checkSignedReport(signed, pinned).ok).to.equal(true)
    // Re-serialised with other key order and spacing, it still verifies (canonical JSON).
    const reversed = (v: unknown): unknown => v === null || typeof v !== 'object' ? v
      : Array.isArray(v) ? v.map(reversed) : Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]))
    expect(checkSignedReport(JSON.parse(JSON.stringify(reversed(signed), null, 4)), pinned).ok).to.equal(true)

    const all = paths(signed)
    fc.assert(fc.property(fc.constantFrom(...all), fc.nat({ max: 1 }), (path, how) => !checkSignedReport(mutateAt(signed, path, how), pinned).ok), { numRuns: 400 })

    const dir = tempDir('hs-report-')
    const good = join(dir, 'good.json')
    writeFileSync(good, renderSignedJson(signed))
    // Without a key to trust there is nothing to check the signature against.
    const unpinned = await cli(['report', 'verify', good])
    expect(unpinned.code, unpinned.stderr).to.equal(2)
    expect(unpinned.stderr).to.match(/--trust|--key/)
    const ok = await cli(['report', 'verify', good, '--key', pinned[0]])
    expect(ok.code, ok.stderr).to.equal(0)
    expect(ok.stdout).to.match(/signature ok/)
    expect(ok.stdout).to.match(/receipts file not checked/)
    // The receipts file beside it is found and checked; any flipped byte in it is refused.
    writeFileSync(join(dir, 'good.receipts.jsonl'), built.receiptsFile)
    const bound = await cli(['report', 'verify', good, '--key', pinned[0]])
    expect(bound.code, bound.stdout + bound.stderr).to.equal(0)
    expect(bound.stdout).to.match(/receipts file ok: 4 receipts/)
    const flippedFile = join(dir, 'flipped.jsonl')
    for (const at of [0, 1, Math.floor(built.receiptsFile.length / 2), built.receiptsFile.length - 1]) {
      const bytes = Buffer.from(built.receiptsFile)
      bytes[at] ^= 0x01
      writeFileSync(flippedFile, bytes)
      const run = await cli(['report', 'verify', good, '--key', pinned[0], '--receipts', flippedFile])
      expect(run.code, `byte ${at}`).to.equal(1)
      expect(run.stdout).to.match(/RECEIPTS_MISMATCH/)
    }
    const tampered = join(dir, 'tampered.json')
    for (const path of [['report', 'summary', 'seals'], ['report', 'incidents', 0, 'kind'], ['report', 'receipts', 'sha256'], ['report', 'headline', 0], ['signature', 'sig']]) {
      writeFileSync(tampered, JSON.stringify(mutateAt(signed, path, 1)))
      const run = await cli(['report', 'verify', tampered, '--key', pinned[0]])
      expect(run.code, path.join('.')).to.equal(1)
    }
    // A flipped byte anywhere in the JSON file: refused (bad input or a bad signature), never accepted.
    const json = renderSignedJson(signed)
    fc.assert(fc.property(fc.nat({ max: json.length - 1 }), (at) => {
      const bytes = Buffer.from(json)
      bytes[at] ^= 0x04
      let doc: unknown
      try { doc = JSON.parse(bytes.toString('utf8')) } catch { return true }
      return !checkSignedReport(doc, pinned).ok || canonicalReport((doc as SignedReport).report).equals(canonicalReport(signed.report))
    }), { numRuns: 300 })
    // Another key, named consistently in the report, is a valid signature by someone else: the
    // report must name the key that signed it (KEY_MISMATCH otherwise).
    const other = newReportKeyPair()
    const resigned = signReport(signed.report, other.secretKey)
    expect(checkSignedReport(resigned, pinned)).to.deep.include({ ok: false, code: 'KEY_MISMATCH' })
    writeFileSync(tampered, JSON.stringify(resigned))
    expect((await cli(['report', 'verify', tampered, '--key', pinned[0]])).code).to.equal(1)
    // The forger's way: drop the incidents, name a fresh key as the service's, sign with it.
    const forged = signReport({ ...signed.report, incidents: [], service: { ...signed.report.service, reportKey: other.publicKey.toString('hex') } }, other.secretKey)
    expect(checkSignedReport(forged, pinned)).to.deep.include({ ok: false, code: 'UNTRUSTED_KEY' })
    writeFileSync(tampered, JSON.stringify(forged))
    const refused = await cli(['report', 'verify', tampered, '--key', pinned[0]])
    expect(refused.code, refused.stdout).to.equal(1)
    expect(refused.stdout).to.match(/UNTRUSTED_KEY/)

    writeFileSync(tampered, '{ not json')
    expect((await cli(['report', 'verify', tampered, '--key', pinned[0]])).code).to.equal(2)
    writeFileSync(tampered, JSON.stringify({ v: 1, report: signed.report, signature: signed.signature }))
    const v1 = await cli(['report', 'verify', tampered, '--key', pinned[0]])
    expect(v1.code).to.equal(2)
    expect(v1.stderr).to.match(/version 1 report/)
    expect((await cli(['report', 'verify', join(dir, 'missing.json'), '--key', pinned[0]])).code).to.equal(2)
    expect((await cli(['report', 'verify', good, '--key', 'xyz'])).code).to.equal(2)
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
