import { expect } from 'chai'
import { loadReportKey } from '../../src/service/report-key'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/api'
import { createHash } from 'node:crypto'
import { checkSignedReport, newReportKeyPair, signReport, type AuditReport, type ReportReceipt, type SignedReport } from '../../src/report'
import { HypersealService } from '../../src/service'
import { appendN, localWriter, onCleanup, runCleanups, tempDir, twoWritersOneKey, waitFor } from '../heads/helpers'
import { runCli } from '../cli/helpers'
import { testConfig } from '../sealer/helpers'
import { cli, pdfText } from './helpers'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function openReportApi (): Promise<{ service: HypersealService, app: ReturnType<typeof buildApp>, token: string, dataDir: string, url: string }> {
  const dataDir = tempDir('hs-report-api-')
  // A 1-second schedule (never started here): the nominal interval the gaps are judged by.
  const service = await HypersealService.open(testConfig(dataDir, { HYPERSEAL_SCHEDULE: '* * * * * *' }), { updateTimeoutMs: 2000 })
  onCleanup(() => service.close())
  const app = buildApp({ service, adminToken: service.adminToken, metrics: service.registry })
  onCleanup(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address() as { port: number }
  return { service, app, token: service.adminToken, dataDir, url: `http://127.0.0.1:${address.port}` }
}

async function replicaAt (service: HypersealService, key: string, length: number, fork = 0): Promise<void> {
  await waitFor(() => {
    const w = service.watcher.watched().find((c) => c.key === key)
    return w?.length === length && w.fork === fork
  }, `replica at length ${length}, fork ${fork}`, 20_000)
}

describe('audit reports on the real service (GET /v1/reports/audit, hyperseal report)', function () {
  this.timeout(180_000)
  let api: Awaited<ReturnType<typeof openReportApi>>
  let from: number
  let to: number
  let rewound: string
  let forked: string
  let signed: SignedReport
  let report: AuditReport
  let id: string
  let lines: ReportReceipt[]

  const get = (query: string, token: string | null = api.token): Promise<LightMyRequestResponse> =>
    api.app.inject({ method: 'GET', url: `/v1/reports/audit?${query}`, headers: token === null ? {} : { authorization: `Bearer ${token}` } })
  const stored = (reportId: string, format: string): Promise<LightMyRequestResponse> =>
    api.app.inject({ method: 'GET', url: `/v1/reports/audit/${reportId}?format=${format}`, headers: { authorization: `Bearer ${api.token}` } })
  const sealsOf = (key: string): number[][] => lines.filter((l) => l.receipt.head.key === key).map((l) => [l.receipt.head.length, l.receipt.head.fork])

  before(async () => {
    from = Math.floor(Date.now() / 1000) - 5
    api = await openReportApi()
    const { service } = api
    // A core sealed at 3, then at 5 after a pause longer than the schedule, then rewound and rewritten.
    const writer = await localWriter()
    rewound = writer.key
    await appendN(writer.core, 3)
    await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await replicaAt(service, writer.key, 3)
    await service.sealNow()
    await appendN(writer.core, 2)
    await replicaAt(service, writer.key, 5)
    await sleep(2500)
    await service.sealNow()
    await writer.core.truncate(2)
    await appendN(writer.core, 4, 'rewritten')
    await replicaAt(service, writer.key, 6, 1)
    await service.sealNow()
    // A copied key that diverges at a longer length: sealed at 10 on one side, 12 on the other.
    const { w1, w2 } = await twoWritersOneKey(8)
    forked = w1.key
    await w1.send('append 2')
    await w2.send('append 4')
    await service.watchCore(w1.key, [`127.0.0.1:${w1.port}`])
    await replicaAt(service, w1.key, 10)
    await service.sealNow()
    await service.watchCore(w1.key, [`127.0.0.1:${w2.port}`])
    await waitFor(async () => (await service.listIncidents({ key: w1.key })).some((i) => i.kind === 'fork'), 'a fork incident', 30_000)
    to = Math.floor(Date.now() / 1000) + 5

    const res = await get(`from=${from}&to=${to}`)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.headers['content-type']).to.match(/^application\/json/)
    signed = res.json() as SignedReport
    report = signed.report
    id = String(res.headers['x-hyperseal-report'])
    expect(id).to.match(/^[0-9a-f]{32}$/)
    const file = await stored(id, 'receipts')
    expect(file.statusCode).to.equal(200)
    lines = file.body.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ReportReceipt)
  })
  after(runCleanups)

  it('is signed by the key the service publishes, kept 0600 in the data directory', async () => {
    const check = checkSignedReport(signed, [signed.report.service.reportKey])
    expect(check.ok, JSON.stringify(check)).to.equal(true)
    const cores = await api.app.inject({ method: 'GET', url: '/v1/cores' })
    const reportKey = (cores.json() as { service: { reportKey: string } }).service.reportKey
    expect(reportKey).to.match(/^[0-9a-f]{64}$/)
    expect(signed.signature.publicKey).to.equal(reportKey)
    expect(report.service.reportKey).to.equal(reportKey)
    const file = join(api.dataDir, 'report-signing-key')
    expect(statSync(file).mode & 0o777).to.equal(0o600)
    expect(readFileSync(file, 'utf8').trim()).to.match(/^[0-9a-f]{128}$/)
    const info = api.service.info()
    expect(report.service).to.deep.include({ chainId: info.chainId, contract: info.contract, receiptsLog: info.receiptsLog })
    expect(report.service.sealers).to.deep.equal([info.sealer])
    expect(report.policy).to.deep.include({ schedule: '* * * * * *', nominalIntervalSeconds: 1, confirmations: info.confirmations })
  })

  it('holds exactly the scripted facts: seals, the gap, the rewind, the fork', () => {
    const a = report.cores.find((c) => c.key === rewound)!
    expect(a.seals).to.equal(3)
    expect(sealsOf(rewound)).to.deep.equal([[3, 0], [5, 0], [6, 1]])
    expect(a.first).to.deep.include({ length: 3, fork: 0 })
    expect(a.last).to.deep.include({ length: 6, fork: 1 })
    expect(a.longestGapSeconds).to.be.at.least(2)
    expect(a.latestHead).to.deep.include({ length: 6, fork: 1, status: 'rewind' })
    expect(a.incidents).to.equal(1)

    const f = report.cores.find((c) => c.key === forked)!
    expect(sealsOf(forked)).to.deep.equal([[10, 0]])
    expect(f.longestGapSeconds).to.equal(null)
    expect(f.latestHead).to.deep.include({ length: 10, status: 'fork' })

    const kinds = report.incidents.map((i) => `${i.kind}:${i.key}`).sort()
    expect(kinds).to.deep.equal([`fork:${forked}`, `rewind:${rewound}`].sort())
    const rewind = report.incidents.find((i) => i.kind === 'rewind')!
    expect(rewind.sealed).to.deep.include({ length: 5, fork: 0 })
    expect(rewind.observed).to.deep.include({ length: 6, fork: 1 })
    expect(rewind.meaning).to.match(/went back/)
    expect(report.incidents.find((i) => i.kind === 'fork')!.evidence).to.have.property('proof')
    expect(report.summary.incidents).to.deep.equal({ rewind: 1, fork: 1 })

    // Four passes sealed the two cores (and the receipts log's own head): the log is the
    // service's own history, in its own section, never one of the watched cores.
    expect(report.cores.map((c) => c.key)).to.deep.equal([rewound, forked].sort())
    expect(report.receiptsLog.key).to.equal(api.service.info().receiptsLog)
    expect(report.summary.batches).to.equal(4)
    expect(report.receiptsLog.batches.map((b) => b.seq)).to.deep.equal([0, 1, 2, 3])
    expect(report.summary.leaves).to.equal(report.receiptsLog.batches.reduce((n, b) => n + b.leafCount, 0))
    // The pass history covers the period: the passes that sealed, and the two cores (the log apart).
    expect(report.coverage).to.not.equal(null)
    expect(Object.keys(report.coverage!.cores).sort()).to.deep.equal([rewound, forked].sort())
    expect(report.coverage!.passes.run).to.be.greaterThan(0)
    expect(report.coverage!.passes.sealed).to.be.greaterThan(0)
    for (const b of report.receiptsLog.batches) {
      expect(Number(b.gasUsed)).to.be.greaterThan(21_000)
      expect(BigInt(b.feeWei!)).to.equal(BigInt(b.gasUsed!) * BigInt(b.effectiveGasPrice!))
    }
    expect(report.summary.batchesWithoutCost).to.equal(0)
    expect(report.summary.receipts.total).to.equal(report.summary.seals)
    expect(report.summary.receipts).to.deep.include({ invalid: 0, verified: report.summary.seals })
    expect(lines).to.have.length(report.summary.seals)
  })

  it('covers only the keys asked for (repeated or comma-separated), and is the same report for the same facts', async () => {
    const one = (await get(`from=${from}&to=${to}&key=${rewound}`)).json() as SignedReport
    expect(one.report.cores.map((c) => c.key)).to.deep.equal([rewound])
    expect(one.report.incidents.map((i) => i.kind)).to.deep.equal(['rewind'])
    expect(one.report.receiptsLog.batches.map((b) => b.seq)).to.deep.equal([0, 1, 2])
    expect(one.report.parameters.cores).to.deep.equal([rewound])
    const both = [rewound, forked].sort()
    const comma = (await get(`from=${from}&to=${to}&key=${rewound},${forked}`)).json() as SignedReport
    const repeated = (await get(`from=${from}&to=${to}&key=${forked}&key=${rewound}`)).json() as SignedReport
    expect(comma.report.cores.map((c) => c.key)).to.deep.equal(both)
    // Same content apart from the generation time and the chain re-check (the block it was made at).
    const strip = (r: AuditReport): AuditReport => ({ ...r, generatedAt: '', headline: r.headline.slice(1), summary: { ...r.summary, chainHeadBlock: 0 } })
    expect(strip(repeated.report)).to.deep.equal(strip(comma.report))
  })

  it('renders the one built report: HTML and PDF of its id carry its fingerprint and the PDF its signed JSON', async () => {
    const fp = createHash('sha256').update(Buffer.from(signed.signature.sig, 'hex')).digest('hex').slice(0, 16)
    const html = await stored(id, 'html')
    expect(html.statusCode).to.equal(200)
    expect(html.headers['content-type']).to.match(/^text\/html/)
    expect(html.body).to.include(rewound).and.include('<svg').and.include(fp)
    const pdf = await stored(id, 'pdf')
    expect(pdf.statusCode).to.equal(200)
    expect(pdf.headers['content-type']).to.equal('application/pdf')
    const dir = tempDir('hs-report-pdf-')
    const file = join(dir, 'r.pdf')
    writeFileSync(file, pdf.rawPayload)
    const text = (await pdfText(file)).replace(/\s+/g, ' ')
    expect(text).to.include(rewound).and.include(forked).and.include('1 rewind, 1 fork').and.include(fp)
    const json = await stored(id, 'json')
    expect(json.json()).to.deep.equal(signed)
    // The PDF's attachment is that JSON, byte for byte.
    const ok = await cli(['report', 'verify', file, '--key', signed.signature.publicKey])
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0)
    expect(ok.stdout).to.match(/pdf ok/)
    // A report not kept here is not built again.
    const missing = await stored('0'.repeat(32), 'html')
    expect(missing.statusCode).to.equal(404)
    expect((await stored('xyz', 'html')).statusCode).to.equal(400)
    expect((await stored(id, 'docx')).statusCode).to.equal(400)
  })

  it('answers 400 for bad parameters and 401 without the admin token', async () => {
    const bad = [
      `from=${to}&to=${from}`, `from=${from}&to=${to}&format=docx`, `from=yesterday&to=${to}`, `from=${from}&to=2026-02-31`,
      `to=${to}`, `from=${from}`, `from=${from}&to=${to}&key=xyz`, `from=${from}&to=${to}&extra=1`
    ]
    for (const q of bad) {
      const res = await get(q)
      expect(res.statusCode, q).to.equal(400)
      expect((res.json() as { error: { code: string } }).error.code, q).to.be.oneOf(['BAD_REQUEST', 'BAD_KEY'])
    }
    expect((await get(`from=${from}&to=${to}`, null)).statusCode).to.equal(401)
    expect((await get(`from=${from}&to=${to}`, 'x'.repeat(40))).statusCode).to.equal(403)
  })

  it('hyperseal report writes the file; report verify checks it, and with --rpc every receipt on chain', async () => {
    const env = { HYPERSEAL_ADMIN_TOKEN: api.token }
    const dir = tempDir('hs-report-cli-')
    const out = join(dir, 'audit.pdf')
    const pdf = await runCli(['report', '--api', api.url, '--from', String(from), '--to', String(to), '--format', 'pdf', '-o', out], env)
    expect(pdf.code, pdf.stderr).to.equal(0)
    expect(readFileSync(out).subarray(0, 5).toString()).to.equal('%PDF-')
    expect(readFileSync(join(dir, 'audit.receipts.jsonl')).length).to.be.greaterThan(0)

    const json = join(dir, 'audit.json')
    const got = await cli(['report', '--api', api.url, '--data', api.dataDir, '--from', String(from), '--to', String(to), '--key', rewound, '-o', json])
    expect(got.code, got.stderr).to.equal(0)
    const rpc = api.service.rpcUrl!
    const trust = join(dir, 'trust.json')
    const exported = await cli(['trust', 'export', '--api', api.url, '-o', trust])
    expect(exported.code, exported.stderr).to.equal(0)
    expect(exported.stderr).to.include(api.service.trust().fingerprint)
    const ok = await cli(['report', 'verify', json, '--trust', trust, '--rpc', rpc])
    expect(ok.code, ok.stderr).to.equal(0)
    expect(ok.stdout).to.match(/receipts file ok: 3 receipts/)
    expect(ok.stdout).to.match(/3 verified, 0 pending, 0 invalid of 3/)
    expect(ok.stdout).to.match(/embedded development chain/)
    // The PDF alone: its signed JSON and receipts file are inside it.
    const fromPdf = await cli(['report', 'verify', out, '--trust', trust, '--rpc', rpc])
    expect(fromPdf.code, fromPdf.stdout + fromPdf.stderr).to.equal(0)
    expect(fromPdf.stdout).to.match(/pdf ok/).and.to.match(/4 verified|5 verified|\d+ verified, 0 pending, 0 invalid/)

    // A report holding a receipt the chain never sealed, re-signed by the service's own key
    // (as if the key leaked): the signature is good, the receipt is not.
    const doc = JSON.parse(readFileSync(json, 'utf8')) as SignedReport
    const kept = readFileSync(join(dir, 'audit.receipts.jsonl'), 'utf8').split('\n')
    const first = JSON.parse(kept[0]) as ReportReceipt
    first.receipt.seal.root = '0x' + '11'.repeat(32)
    kept[0] = JSON.stringify(first)
    const file = Buffer.from(kept.join('\n'))
    doc.report.receipts = { ...doc.report.receipts, sha256: createHash('sha256').update(file).digest('hex'), bytes: file.length }
    const forged = join(dir, 'forged.json')
    const serviceKey = loadReportKey(api.dataDir)
    writeFileSync(forged, JSON.stringify(signReport(doc.report, serviceKey.secretKey)))
    writeFileSync(join(dir, 'forged.receipts.jsonl'), file)
    const refuted = await cli(['report', 'verify', forged, '--trust', trust, '--rpc', rpc])
    expect(refuted.code, refuted.stderr).to.equal(1)
    expect(refuted.stdout).to.match(/^NO LONGER HOLDS /m)
    expect((await cli(['report', 'verify', forged, '--trust', trust])).code).to.equal(0)

    // Re-signed by a fresh key that the report names as the service's: refused by the pinned trust root.
    const pair = newReportKeyPair()
    const resigned = join(dir, 'resigned.json')
    writeFileSync(resigned, JSON.stringify(signReport({ ...doc.report, incidents: [], service: { ...doc.report.service, reportKey: pair.publicKey.toString('hex') } }, pair.secretKey)))
    const untrusted = await cli(['report', 'verify', resigned, '--trust', trust, '--rpc', rpc])
    expect(untrusted.code, untrusted.stdout).to.equal(1)
    expect(untrusted.stdout).to.match(/UNTRUSTED_KEY/)

    for (const args of [
      ['--from', String(to), '--to', String(from)], ['--from', String(from), '--to', String(to), '--format', 'docx'], ['--to', String(to)], ['--from', 'soon', '--to', String(to)]
    ]) {
      const run = await cli(['report', '--api', api.url, '--data', api.dataDir, ...args])
      expect(run.code, args.join(' ')).to.equal(2)
    }
  })
})
