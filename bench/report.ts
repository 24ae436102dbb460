// Audit report over many cores x seals: build, sign, render JSON/HTML/PDF, with times and peak memory.
/**
 *   npm run bench -- report [cores=1000] [seals=100]
 * The input is synthetic but valid, built in memory (test/support/report-fixtures.ts): one real
 * Ed25519 writer per core, every head really signed, one real batch (StandardMerkleTree) per
 * round with every core in it, chain answers that agree. Peak memory is the process's max RSS
 * (getrusage), read after each phase, so it is the peak up to that point.
 */
import { performance } from 'node:perf_hooks'
import { buildAuditReport, canonicalReport, newReportKeyPair, renderHtml, renderPdf, signReport } from '../src/report'
import { synthetic } from '../test/support/report-fixtures'

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const peak = (): string => mb(process.resourceUsage().maxRSS * 1024)

async function main (): Promise<void> {
  const cores = Number(process.argv[2] ?? 1000)
  const rounds = Number(process.argv[3] ?? 100)
  const row = (what: string, ms: number, extra = ''): void => console.log(`${what.padEnd(26)} ${ms.toFixed(0).padStart(8)} ms   peak RSS ${peak().padStart(10)}   ${extra}`)
  console.log(`audit report: ${cores} cores x ${rounds} seals = ${cores * rounds} receipts, ${rounds} batches`)

  let t = performance.now()
  const { input } = synthetic({ cores, rounds, times: { start: 1_764_000_000, interval: 60 } })
  const pair = newReportKeyPair()
  input.service.reportKey = pair.publicKey.toString('hex')
  row('setup (sign heads, batches)', performance.now() - t)

  t = performance.now()
  const report = buildAuditReport(input)
  row('build', performance.now() - t, `${report.summary.receipts.verified} verified, ${report.summary.receipts.invalid} invalid`)
  if (report.summary.receipts.verified !== cores * rounds) throw new Error('the synthetic receipts did not all verify')

  t = performance.now()
  const canonical = canonicalReport(report)
  row('canonical JSON (JCS)', performance.now() - t, mb(canonical.length))

  t = performance.now()
  const signed = signReport(report, pair.secretKey)
  row('sign (JCS + Ed25519)', performance.now() - t)

  t = performance.now()
  const json = Buffer.from(JSON.stringify(signed, null, 2) + '\n')
  row('render JSON', performance.now() - t, mb(json.length))

  t = performance.now()
  const html = renderHtml(signed)
  row('render HTML', performance.now() - t, mb(Buffer.byteLength(html)))

  t = performance.now()
  const pdf = await renderPdf(signed)
  row('render PDF', performance.now() - t, mb(pdf.length))
  console.log(`heap used at the end ${mb(process.memoryUsage().heapUsed)}`)
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1 })
