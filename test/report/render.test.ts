import { expect } from 'chai'
import fc from 'fast-check'
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import {
  buildAuditReport, checkReportDocument, CONTROLS, esc, newReportKeyPair, renderHtml, renderPdf, renderReport, renderSignedJson, signReport, signatureFingerprint,
  type BuiltReport, type ReportInput
} from '../../src/report'
import { runCleanups, tempDir } from '../heads/helpers'
import { handCoverage, rewindIncident, synthetic } from '../support/report-fixtures'
import { cli, pdfColours, pdfText, withChromium } from './helpers'

const run = promisify(execFile)
const DAY = '2025-11-24'

/** A day of `cores` cores sealed every half hour, one rewind, the hand-made coverage (down 02:00-02:30). */
function sample (cores: number, tweak: (input: ReportInput) => void = () => {}): Omit<BuiltReport, 'receiptsFile'> & { receiptsFile: Buffer, key: string } {
  const t0 = Date.parse(`${DAY}T00:10:00Z`) / 1000
  const { input, writers } = synthetic({ cores, rounds: 6, times: [t0, t0 + 1800, t0 + 3600, t0 + 36_000, t0 + 43_200, t0 + 72_000] })
  input.period = { from: `${DAY}T00:00:00.000Z`, to: `${DAY.slice(0, 8)}25T00:00:00.000Z` }
  input.incidents = [rewindIncident(writers[1], 2, t0 + 40_000)]
  input.coverage = handCoverage(input.cores)
  tweak(input)
  const pair = newReportKeyPair()
  input.service.reportKey = pair.publicKey.toString('hex')
  const { report, receiptsFile } = buildAuditReport(input)
  return { signed: signReport(report, pair.secretKey), receiptsFile, key: input.service.reportKey }
}

interface Layout {
  headline: string[]
  order: string[]
  rows: Array<{ key: string, cells: string[], incidents: number }>
  coverage: string
  controls: string
  body: string
  wrappedTimestamps: number
  overflow: boolean
  preOverflow: number
  scripts: number
  ids: string[]
}

/** Read in the page (a string: the test code is not compiled for the DOM). */
const LAYOUT = `(() => {
  const q = (s) => [...document.querySelectorAll(s)]
  const text = (s) => document.querySelector(s)?.textContent ?? ''
  return {
    headline: q('#headline li').map((li) => li.textContent),
    order: q('section, ol.headline').map((e) => e.id),
    rows: q('svg.timeline g.core-row').map((g) => ({ key: g.getAttribute('data-key'), cells: [...g.querySelectorAll('rect')].map((c) => c.getAttribute('class').replace('cell ', '')), incidents: g.querySelectorAll('.incident').length })),
    coverage: text('#coverage'),
    controls: text('#controls'),
    body: document.body.textContent,
    // Layout: a timestamp cell is one line box; nothing scrolls sideways.
    wrappedTimestamps: q('td.ts').filter((td) => { const range = document.createRange(); range.selectNodeContents(td); return range.getClientRects().length !== 1 }).length,
    overflow: document.documentElement.scrollWidth > window.innerWidth,
    preOverflow: q('pre').filter((p) => p.scrollWidth > p.clientWidth + 1).length,
    scripts: q('script').length,
    ids: q('section').map((s) => s.id)
  }
})()`

describe('audit report renderings (HTML in headless Chromium, PDF through poppler)', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  it('HTML: the five-line headline first, the timeline, coverage, controls; nothing wraps a timestamp or overflows', async () => {
    const { signed } = sample(5)
    const r = signed.report
    const file = join(tempDir('hs-html-'), 'report.html')
    writeFileSync(file, renderHtml(signed))
    const seen = await withChromium(async (page) => {
      await page.goto(`file://${file}`)
      await page.screenshot({ path: file.replace(/\.html$/, '.png'), fullPage: true })
      return await page.evaluate(LAYOUT) as Layout
    })
    expect(seen.headline).to.deep.equal(r.headline)
    expect(seen.headline).to.have.length(5)
    expect(seen.order.slice(0, 3)).to.deep.equal(['headline', 'summary', 'timeline'])
    // The service row, then one row per core; 24 hourly cells each.
    expect(seen.rows.map((x) => x.key)).to.deep.equal(['The seal passes of the service', ...r.cores.map((c) => c.key)])
    for (const row of seen.rows) expect(row.cells).to.have.length(24)
    // Service down 02:00-02:30 (the 02h cell), missed too; a failed pass at 05:00; up otherwise.
    expect(seen.rows[0].cells[2]).to.equal('down')
    expect(seen.rows[0].cells[5]).to.equal('failed')
    expect(seen.rows[0].cells.filter((c) => c === 'up')).to.have.length(22)
    // Cores: sealed in the hours of the rounds, down at 02h, stale (core 0) at 13h, idle elsewhere.
    for (const [i, row] of seen.rows.slice(1).entries()) {
      expect(row.cells.map((c, h) => c === 'sealed' ? h : -1).filter((h) => h >= 0)).to.deep.equal([0, 1, 10, 12, 20])
      expect(row.cells[2]).to.equal('down')
      expect(row.cells[13]).to.equal(i === 0 ? 'stale' : 'idle')
      expect(row.cells[3]).to.equal('idle')
    }
    expect(seen.rows.reduce((n, x) => n + x.incidents, 0)).to.equal(1)
    expect(seen.coverage).to.include('Idle is not down')
    for (const figure of ['Scheduled in the period1440', 'Ran1409', 'failed1', 'Missed (should have run, did not)31', 'Service down30 minutes']) expect(seen.coverage.replace(/\s+/g, '')).to.include(figure.replace(/\s+/g, ''))
    expect(seen.coverage).to.include('CHAIN_UNAVAILABLE')
    for (const c of CONTROLS) {
      expect(seen.controls).to.include(c.control)
      for (const id of c.evidence) expect(seen.ids, `${c.control} cites section ${id}`).to.include(id === 'reperform' ? 'parameters' : id)
    }
    expect(seen.controls).to.include('does not certify')
    expect(seen.body).to.include(r.reperform.commands[0])
    expect(seen.body).to.include(`${r.summary.feesEth} ETH`)
    expect(seen.body).to.include(signatureFingerprint(signed))
    expect(seen.wrappedTimestamps).to.equal(0)
    expect(seen.overflow).to.equal(false)
    expect(seen.preOverflow).to.equal(0)
    // The incident's evidence holds a script tag: shown as text, never run nor parsed as markup.
    expect(seen.scripts).to.equal(0)
    expect(seen.body).to.include('<script>alert(1)</script>')
    expect(esc('<a href="x">&\'</a>')).to.equal('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;')
  })

  it('HTML: a thousand cores stay one legible chart (aggregated, flagged cores kept)', async () => {
    const { signed } = sample(1000)
    const file = join(tempDir('hs-html-'), 'report.html')
    writeFileSync(file, renderHtml(signed))
    const seen = await withChromium(async (page) => {
      await page.goto(`file://${file}`)
      return await page.evaluate(`(() => {
        const svg = document.querySelector('svg.timeline')
        return { rows: [...svg.querySelectorAll('g.core-row')].map((g) => g.getAttribute('data-key')), height: svg.getBoundingClientRect().height, counts: [...svg.querySelectorAll('text.count')].map((t) => t.textContent), note: svg.parentElement.textContent }
      })()`) as { rows: string[], height: number, counts: string[], note: string }
    })
    expect(seen.rows).to.have.length(4) // service, all cores, then the flagged: the core with the rewind, the one stale at 13h
    expect(seen.rows[1]).to.equal('Cores that sealed a change in each hour')
    expect(seen.rows[2]).to.match(/^[0-9a-f]{64}$/)
    expect(seen.height).to.be.lessThan(600)
    expect(seen.counts).to.include('1000')
    expect(seen.note).to.match(/1000 cores are drawn as one row/)
  })

  it('PDF: the same content, the timeline drawn, the fingerprint on every page, the signed JSON and receipts attached', async () => {
    const built = sample(5)
    const { signed } = built
    const r = signed.report
    const dir = tempDir('hs-pdf-')
    const file = join(dir, 'report.pdf')
    const pdf = await renderPdf(signed, built.receiptsFile)
    writeFileSync(file, pdf)
    const text = await pdfText(file)
    const pages = text.split('\f').filter((p) => p.trim() !== '')
    const fp = signatureFingerprint(signed)
    pages.forEach((page, i) => {
      expect(page, `page ${i + 1}`).to.include(`signature fingerprint ${fp}`)
      expect(page, `page ${i + 1}`).to.include(`page ${i + 1} of ${pages.length}`)
    })
    const flat = (s: string): string => s.replace(/\s+/g, ' ')
    // The five lines on the first page.
    for (const line of r.headline) expect(flat(pages[0])).to.include(flat(line).slice(0, 60))
    const all = flat(text)
    for (const figure of ['Idle is not down', 'Scheduled in the period 1440', 'Ran 1409', 'Missed (should have run, did not) 31', 'Service down 30 minutes', 'CHAIN_UNAVAILABLE']) expect(all).to.include(figure)
    // A table cell wraps, and pdftotext -layout sets the columns side by side: each control's first word, and its statement's.
    for (const c of CONTROLS) expect(all).to.include(c.control.split(' ')[0]).and.include(c.statement.split(' ').slice(0, 3).join(' '))
    expect(all).to.include('does not certify')
    expect(all).to.include('Appendix A: evidence')
    expect(all).to.include(`${r.summary.feesEth} ETH`)
    // Keys wrap in their cell (8.5 pt Courier, legible, not 6 pt on one line): each key's first line.
    for (const core of r.cores) expect(all).to.include(core.key.slice(0, 24))
    // Timestamps are never split across lines.
    for (const b of r.receiptsLog.batches) expect(text).to.include(b.sealedAt)
    // The timeline is drawn: its cells' colours are on the page (sealed, service down, stale, idle).
    const colours = await pdfColours(file, 1, ['#1f5fa0', '#8a8a8a', '#e08a00', '#eef2f6', '#7fbf7f'])
    for (const [c, n] of Object.entries(colours)) expect(n, c).to.be.greaterThan(20)
    // Attachments, as any PDF tool sees them.
    const listed = (await run('/usr/bin/pdfdetach', ['-list', file])).stdout
    expect(listed).to.match(/report\.json/).and.to.match(/receipts\.jsonl/)
    await run('/usr/bin/pdfdetach', ['-saveall', '-o', dir, file])
    expect(readFileSync(join(dir, 'report.json')).equals(renderSignedJson(signed))).to.equal(true)
    expect(readFileSync(join(dir, 'receipts.jsonl')).equals(built.receiptsFile)).to.equal(true)
  })

  it('report verify takes the PDF: ok as rendered; a flipped byte anywhere in it is refused', async () => {
    const built = sample(3)
    const pdf = await renderPdf(built.signed, built.receiptsFile)
    const dir = tempDir('hs-pdf-')
    const file = join(dir, 'report.pdf')
    writeFileSync(file, pdf)
    const ok = await cli(['report', 'verify', file, '--key', built.key])
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0)
    expect(ok.stdout).to.match(/signature ok/).and.to.match(/pdf ok/).and.to.match(/receipts file ok: \d+ receipts.*attached to the PDF/)
    const good = await checkReportDocument(pdf, [built.key])
    expect(good.ok).to.equal(true)
    await fc.assert(fc.asyncProperty(fc.nat({ max: pdf.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
      const bytes = Buffer.from(pdf)
      bytes[at] ^= xor
      return !(await checkReportDocument(bytes, [built.key])).ok
    }), { numRuns: 60 })
    const bytes = Buffer.from(pdf)
    bytes[Math.floor(pdf.length / 3)] ^= 0x20
    writeFileSync(file, bytes)
    const refused = await cli(['report', 'verify', file, '--key', built.key])
    expect(refused.code).to.equal(1)
    expect(refused.stdout).to.match(/REFUSED (PDF_ALTERED|BAD_SIGNATURE|RECEIPTS_MISMATCH)/)
    // Not signed by the pinned key: refused as for the JSON.
    writeFileSync(file, pdf)
    expect((await cli(['report', 'verify', file, '--key', 'ab'.repeat(32)])).code).to.equal(1)
  })

  it('renders a signed report: the same bytes every time, never a new report; report render writes the same', async () => {
    const built = sample(3)
    for (const format of ['json', 'html', 'pdf', 'receipts'] as const) {
      const a = await renderReport(built.signed, built.receiptsFile, format)
      const b = await renderReport(built.signed, built.receiptsFile, format)
      expect(a.body.equals(b.body), format).to.equal(true)
    }
    expect(JSON.parse((await renderReport(built.signed, built.receiptsFile, 'json')).body.toString())).to.deep.equal(built.signed)
    expect((await renderReport(built.signed, built.receiptsFile, 'receipts')).body.equals(built.receiptsFile)).to.equal(true)
    const dir = tempDir('hs-render-')
    writeFileSync(join(dir, 'r.json'), renderSignedJson(built.signed))
    writeFileSync(join(dir, 'r.receipts.jsonl'), built.receiptsFile)
    const out = await cli(['report', 'render', join(dir, 'r.json'), '--format', 'pdf', '-o', join(dir, 'r.pdf')])
    expect(out.code, out.stderr).to.equal(0)
    expect(readFileSync(join(dir, 'r.pdf')).equals(await renderPdf(built.signed, built.receiptsFile))).to.equal(true)
    // A receipts file that is not the bound one is refused before rendering.
    writeFileSync(join(dir, 'r.receipts.jsonl'), Buffer.concat([built.receiptsFile, Buffer.from('\n')]))
    expect((await cli(['report', 'render', join(dir, 'r.json'), '--format', 'html', '-o', join(dir, 'r.html')])).code).to.equal(2)
  })
})
