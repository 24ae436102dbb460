import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildAuditReport, esc, newReportKeyPair, renderHtml, renderPdf, renderReport, signReport, signatureFingerprint, type SignedReport } from '../../src/report'
import { runCleanups, tempDir } from '../heads/helpers'
import { rewindIncident, synthetic } from '../support/report-fixtures'
import { dumpDom, pdfText } from './helpers'

function sample (cores: number): SignedReport {
  const t0 = 1_764_000_000
  const { input, writers } = synthetic({ cores, rounds: 3, times: [t0, t0 + 60, t0 + 400] })
  input.incidents = [rewindIncident(writers[1], 2, t0 + 200)]
  const pair = newReportKeyPair()
  input.service.reportKey = pair.publicKey.toString('hex')
  return signReport(buildAuditReport(input), pair.secretKey)
}

describe('audit report renderers (HTML in headless Chromium, PDF through pdftotext)', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('HTML: summary first, one timeline row per core with its seals and incidents, every string escaped', async () => {
    const signed = sample(5)
    const dir = tempDir('hs-html-')
    const file = join(dir, 'report.html')
    writeFileSync(file, renderHtml(signed))
    const dom = await dumpDom(file)
    const summaryAt = dom.indexOf('id="summary"')
    expect(summaryAt).to.be.greaterThan(0)
    expect(summaryAt).to.be.lessThan(dom.indexOf('id="timeline"'))
    expect(dom).to.include('1 rewind(s), 0 fork(s) and 0 invalid receipt(s) in the period.')
    expect(dom).to.include('15 verified, 0 pending, 0 invalid of 15')
    const svg = /<svg[^>]*class="timeline"[\s\S]*?<\/svg>/.exec(dom)
    expect(svg, 'an inline <svg> timeline').to.not.equal(null)
    const rows = svg![0].match(/<g class="core-row" data-key="[0-9a-f]{64}">/g) ?? []
    expect(rows).to.have.length(5)
    for (const core of signed.report.cores) expect(svg![0]).to.include(`data-key="${core.key}"`)
    expect(svg![0].match(/class="seal"/g)).to.have.length(15)
    expect(svg![0].match(/class="incident"/g)).to.have.length(1)
    // The incident's evidence holds a script tag: shown as text, never run nor parsed as markup.
    expect(dom).to.not.include('<script>alert(1)</script>')
    expect(dom).to.include('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(dom).to.include(signatureFingerprint(signed))
    expect(dom).to.include('How to verify independently')
    expect(esc('<a href="x">&\'</a>')).to.equal('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;')
  })

  it('PDF: the key facts, the fingerprint and a page number on every page', async () => {
    const signed = sample(60)
    const dir = tempDir('hs-pdf-')
    const file = join(dir, 'report.pdf')
    const pdf = await renderPdf(signed)
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-')
    writeFileSync(file, pdf)
    const text = await pdfText(file)
    const pages = text.split('\f').filter((p) => p.trim() !== '')
    expect(pages.length).to.be.greaterThan(1)
    const fp = signatureFingerprint(signed)
    pages.forEach((page, i) => {
      expect(page, `page ${i + 1}`).to.include(`signature fingerprint ${fp}`)
      expect(page, `page ${i + 1}`).to.include(`page ${i + 1} of ${pages.length}`)
    })
    const flat = text.replace(/\s+/g, ' ')
    for (const core of signed.report.cores) expect(flat).to.include(core.key)
    expect(flat).to.include('Hyperseal audit report')
    expect(flat).to.include('180 verified, 0 pending, 0 invalid of 180')
    expect(flat).to.include('1 rewind, 0 fork')
    expect(flat).to.include(signed.report.service.reportKey)
    expect(flat).to.include('How to verify independently')
  })

  it('the same signed report renders to the same bytes (JSON, HTML and PDF)', async () => {
    const signed = sample(3)
    for (const format of ['json', 'html', 'pdf'] as const) {
      const a = await renderReport(signed, format)
      const b = await renderReport(signed, format)
      expect(a.body.equals(b.body), format).to.equal(true)
    }
    expect(JSON.parse((await renderReport(signed, 'json')).body.toString())).to.deep.equal(signed)
  })
})
