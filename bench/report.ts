// Audit report at scale: build (streamed), sign, render JSON/HTML/PDF for 100k and 1M receipts, against issue 14's targets.
/**
 *   npm run bench -- report [cores=1000] [rounds=100,1000]
 * For each rounds value: `cores` real Ed25519 writers, each sealed once per round (one real
 * StandardMerkleTree batch per round with every core in it), chain answers that agree. All rounds
 * are generated first (not timed) into a file of receipts as JSON lines, as a ledger holds them.
 * Then, timed: the builder is fed as the service feeds it (src/service/report-audit.ts): a batch
 * at a time in time order, the next batch read (each line parsed), prepared and sent to the
 * worker threads while they check the current one, the receipts file streamed to disk. Peak RSS
 * is the measuring process's (getrusage) after each phase: generation's memory is the generating
 * process's, not the report's. Targets (issue 14):
 * 100,000 receipts built, signed and rendered in <= 10 s and <= 300 MB; 1,000,000 in <= 120 s
 * without growing memory. A page image of each rendering is written under
 * test-artifacts/report-bench/ (PDF: pdftoppm; HTML: Chromium screenshot).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { latestOf, newReportKeyPair, RecheckPool, renderHtml, renderPdf, renderSignedJson, ReportAccumulator, signReport, type ReceiptChunk, type ReceiptEntry, type RecheckResult, type ReportHeader } from '../src/report'
import { headToJson, loadFastKeccak, type SealInfo } from '../src/seal'
import { SEALED_TOPIC } from '../src/verify'
import { availableParallelism, loadavg } from 'node:os'
import { buildSync } from 'esbuild'

const OUT = resolve(__dirname, '../test-artifacts/report-bench')
const MB = 1024 * 1024
const FLAT_MB = 64
const peakMb = (): number => (process.resourceUsage().maxRSS * 1024) / MB
const rssMb = (): number => process.memoryUsage().rss / MB
const heapLine = (): string => { const m = process.memoryUsage(); return `heap ${(m.heapUsed / MB).toFixed(0)}/${(m.heapTotal / MB).toFixed(0)} MB, external ${(m.external / MB).toFixed(0)} MB (buffers ${(m.arrayBuffers / MB).toFixed(0)})` }
const T0 = 1_764_000_000
const INTERVAL = 60
const load = (): string => loadavg().map((n) => n.toFixed(2)).join(', ')

/**
 * The re-check worker compiled (esbuild, our sources bundled, packages required as installed),
 * as a build ships it: under ts-node each worker would load the TypeScript compiler (~90 MB a
 * worker) that a deployed service does not.
 */
function workerScript (): string {
  // Inside the project, as dist/ is: the bundle leaves packages external, and they resolve from
  // the project's node_modules (from the OS's temp dir they did not, and every worker died at start).
  mkdirSync(OUT, { recursive: true })
  const out = join(mkdtempSync(join(OUT, 'worker-')), 'recheck-worker.js')
  buildSync({ entryPoints: [resolve(__dirname, '../src/report/recheck-worker.ts')], bundle: true, platform: 'node', target: 'node20', packages: 'external', outfile: out, logLevel: 'error' })
  // Gone however the bench ends (a stopped bench left its bundle, and `npm run lint` read it).
  process.once('exit', () => { rmSync(dirname(out), { recursive: true, force: true }) })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { process.exit(130) })
  return out
}

/** The lines of a file, `n` at a time, read in 8 MB pieces (synchronous: the page cache answers). */
function lineReader (path: string): { take: (n: number) => string[], close: () => void } {
  const fd = openSync(path, 'r')
  let buffer = Buffer.alloc(8 * MB)
  let start = 0
  let end = 0
  let eof = false
  const take = (n: number): string[] => {
    const out: string[] = []
    while (out.length < n) {
      const nl = buffer.indexOf(10, start)
      if (nl !== -1 && nl < end) {
        out.push(buffer.toString('utf8', start, nl))
        start = nl + 1
        continue
      }
      if (eof) break
      // Keep the partial line, read more behind it (a larger buffer if one line fills it).
      const rest = buffer.subarray(start, end)
      if (rest.length === buffer.length) buffer = Buffer.concat([buffer, Buffer.alloc(buffer.length)])
      rest.copy(buffer, 0)
      end = rest.length
      start = 0
      const read = readSync(fd, buffer, end, buffer.length - end, null)
      if (read === 0) eof = true
      end += read
    }
    return out
  }
  return { take, close: () => { closeSync(fd) } }
}

/** Where a size's generated receipts (JSON lines) and report header (JSON) are written. */
const generatedPaths = (total: number): { receipts: string, header: string } => ({
  receipts: join(OUT, `generated-${total}.jsonl`),
  header: join(OUT, `generated-${total}-header.json`)
})

/**
 * Not timed, in a process of its own (its memory is not the report's): every round sealed, its
 * receipts written to a file as JSON lines (as the ledger holds them), the chain's answers and
 * the batches into the report header, written as JSON. Each core's latest receipt is known
 * before the build, as the service reads it (two indexed reads a core): the last round's, made
 * first and kept (1,000 receipts).
 */
async function generate (cores: number, rounds: number): Promise<void> {
  // Loaded here only: the fixtures (test signers, OpenZeppelin's tree, the contract artifact) are
  // the generator's, ~14 MB of RSS the timed process never needs and the service never loads.
  const { CONTRACT, leanRound, synthetic } = await import('../test/support/report-fixtures')
  const total = cores * rounds
  const { input, writers } = synthetic({ cores, rounds: 0, times: { start: T0, interval: INTERVAL } })
  input.period = { from: new Date((T0 - 60) * 1000).toISOString(), to: new Date((T0 + rounds * INTERVAL) * 1000).toISOString() }
  input.generatedAt = input.period.to
  const { receipts, ...rest } = input
  const header = { ...rest, latest: latestOf(receipts) }
  /**
   * Round r's batch, not through buildBatch (test/support leanRound): it checks each head's
   * signature on this thread and keeps the tree, heads, JSON and leaves.
   */
  const sealRound = (r: number): { root: string, seal: SealInfo, entries: ReceiptEntry[] } => {
    const { heads, root, seal, proofOf } = leanRound(writers, r, T0 + r * INTERVAL)
    return { root, seal, entries: heads.map((h, i) => ({ receipt: { v: 1, head: headToJson(h), seal, proof: proofOf(i) } })) }
  }
  const t = performance.now()
  const lastRound = sealRound(rounds - 1)
  for (const e of lastRound.entries) header.latest[e.receipt.head.key] = e
  const paths = generatedPaths(total)
  const fd = openSync(paths.receipts, 'w')
  for (let r = 0; r < rounds; r++) {
    const { root, seal, entries } = r === rounds - 1 ? lastRound : sealRound(r)
    const blockNumber = seal.blockNumber
    ;(header.chain.seals as Record<string, unknown>)[root] = { timestamp: seal.timestamp, blockNumber }
    ;(header.chain.blocks as Record<number, unknown>)[blockNumber] = { number: blockNumber, hash: seal.blockHash, timestamp: seal.timestamp }
    ;(header.chain.txs as Record<string, unknown>)[seal.txHash] = {
      hash: seal.txHash, to: CONTRACT, status: 1, blockNumber, blockHash: seal.blockHash,
      logs: [{ address: CONTRACT, topics: [SEALED_TOPIC, root, '0x' + (r + 1).toString(16).padStart(64, '0')], data: '0x' + seal.leafCount.toString(16).padStart(64, '0') + '0'.repeat(64) }]
    }
    header.chain.headBlock = blockNumber + 5
    header.costs[seal.txHash] = { gasUsed: String(50_000 + r), effectiveGasPrice: '1000000000' }
    // One leaf stands for the batch's heads: the builder reads leaves only to know a batch touches a
    // reported core (every core is in every batch here); the receipts carry the heads themselves.
    header.batches.push({ seq: r, root, leafCount: seal.leafCount, leaves: [entries[0].receipt.head], sealedAt: new Date(seal.timestamp * 1000).toISOString(), txHash: seal.txHash, blockNumber })
    writeSync(fd, entries.map((e) => JSON.stringify(e.receipt)).join('\n') + '\n')
    if ((r + 1) % Math.max(1, Math.floor(rounds / 10)) === 0) process.stderr.write(`  generated ${r + 1}/${rounds} batches in ${((performance.now() - t) / 1000).toFixed(1)} s\n`)
  }
  closeSync(fd)
  writeFileSync(paths.header, JSON.stringify(header))
}

async function one (cores: number, rounds: number): Promise<boolean> {
  const total = cores * rounds
  await loadFastKeccak() // as the service does when it opens
  console.log(`\n== ${cores} cores x ${rounds} seals = ${total.toLocaleString('en-US')} receipts (${rounds} batches)`)
  console.log(`load average at start: ${load()} (1, 5, 15 min; this machine has 2 cores)`)
  mkdirSync(OUT, { recursive: true })
  const paths = generatedPaths(total)
  const receiptsPath = join(OUT, `receipts-${total}.jsonl`)
  process.once('exit', () => { for (const f of [receiptsPath, paths.receipts, paths.header]) rmSync(f, { force: true }) })
  let t = performance.now()
  const gen = spawnSync(process.execPath, [...process.execArgv, __filename, 'generate', String(cores), String(rounds)], { stdio: 'inherit' })
  if (gen.status !== 0) throw new Error(`generating the synthetic receipts failed (exit ${String(gen.status)})`)
  const generated = performance.now() - t
  const header = JSON.parse(readFileSync(paths.header, 'utf8')) as ReportHeader
  const pair = newReportKeyPair()
  header.service.reportKey = pair.publicKey.toString('hex')
  const acc = new ReportAccumulator(header)
  let bytes = 0
  const rssAt: string[] = []
  const rssSamples: number[] = []

  // Timed, from reading the receipts to the report: as src/service/report-audit.ts feeds the
  // builder. Batch r+1 is read (each line JSON-parsed, as the ledger's values are), prepared and
  // sent to the worker threads (their own signature caches, empty: every signature of the period
  // is really checked) while they check batch r; then batch r is added and its lines written.
  const script = workerScript()
  const pool = new RecheckPool(undefined, script)
  // What the process holds before a receipt is read (modules, the header, the workers started).
  const before = rssMb()
  const lines = lineReader(paths.receipts)
  const fd = openSync(receiptsPath, 'w')
  const loadBatch = (): { chunk: ReceiptChunk, checks: Promise<Array<RecheckResult | undefined>> } => {
    const entries: ReceiptEntry[] = lines.take(cores).map((text) => ({ receipt: JSON.parse(text) as ReceiptEntry['receipt'] }))
    const chunk = acc.prepare(entries)
    return { chunk, checks: pool.check(chunk) }
  }
  t = performance.now()
  // CPU time of the timed part, main thread and workers together (process-wide): on a loaded
  // machine wall time says little, CPU time says what the build costs.
  const c = process.cpuUsage()
  let next: ReturnType<typeof loadBatch> | null = loadBatch()
  for (let r = 0; next !== null; r++) {
    const current: ReturnType<typeof loadBatch> = next
    next = r + 1 < rounds ? loadBatch() : null
    const chunk = acc.add(current.chunk, await current.checks)
    writeSync(fd, chunk)
    bytes += chunk.length
    // RSS after each 100,000 receipts (each quarter of a smaller run): flat means the build streams.
    const every = total >= 200_000 ? Math.max(1, Math.round(100_000 / cores)) : Math.max(1, Math.floor(rounds / 4))
    if ((r + 1) % every === 0) {
      rssSamples.push(rssMb())
      rssAt.push(`${((r + 1) * cores).toLocaleString('en-US')}: ${rssSamples[rssSamples.length - 1].toFixed(0)} MB`)
    }
    if ((r + 1) % Math.max(1, Math.floor(rounds / 10)) === 0) process.stderr.write(`  ${r + 1}/${rounds} batches: build ${((performance.now() - t) / 1000).toFixed(1)} s, RSS ${rssMb().toFixed(0)} MB, peak ${peakMb().toFixed(0)} MB, ${heapLine()}\n`)
  }
  const report = acc.finish()
  const build = performance.now() - t
  const used = process.cpuUsage(c)
  const cpu = (used.user + used.system) / 1000
  closeSync(fd)
  lines.close()
  // A pool that broke hands every receipt back unchecked, and the main thread checks them itself:
  // the figures would then measure one thread, not the workers the service uses.
  const onWorkers = pool.healthy
  await pool.close()
  rmSync(dirname(script), { recursive: true, force: true })
  t = performance.now()
  const signed = signReport(report, pair.secretKey)
  const sign = performance.now() - t
  t = performance.now()
  const json = renderSignedJson(signed)
  const renderJson = performance.now() - t
  t = performance.now()
  const html = renderHtml(signed)
  const renderHtmlMs = performance.now() - t
  t = performance.now()
  // The receipts file travels beside the PDF above 32 MB (EMBED_RECEIPTS_MAX): not read back here.
  const pdf = await renderPdf(signed)
  const renderPdfMs = performance.now() - t
  const peak = peakMb()

  const row = (what: string, value: string, note = ''): void => console.log(`${what.padEnd(34)} ${value.padStart(14)}   ${note}`)
  row('generate synthetic heads (excluded)', `${(generated / 1000).toFixed(1)} s`, 'in a process of its own')
  row('build (re-check every receipt)', `${(build / 1000).toFixed(2)} s`, `${((build * 1000) / total).toFixed(0)} µs a receipt; ${report.summary.receipts.verified} verified, ${report.summary.receipts.invalid} invalid`)
  row('build CPU (all threads)', `${(cpu / 1000).toFixed(2)} s`, `${((cpu * 1000) / total).toFixed(0)} µs a receipt (wall ${((build * 1000) / total).toFixed(0)}); ${availableParallelism()} cores`)
  row('sign (JCS + Ed25519)', `${sign.toFixed(0)} ms`)
  row('render JSON', `${renderJson.toFixed(0)} ms`, `${(json.length / 1024).toFixed(0)} KB signed report`)
  row('render HTML', `${renderHtmlMs.toFixed(0)} ms`, `${(Buffer.byteLength(html) / 1024).toFixed(0)} KB`)
  row('render PDF', `${renderPdfMs.toFixed(0)} ms`, `${(pdf.length / 1024).toFixed(0)} KB`)
  row('receipts file', `${(bytes / MB).toFixed(0)} MB`, `${report.receipts.lines} lines, sha256 ${report.receipts.sha256.slice(0, 16)}…`)
  row('RSS before the build', `${before.toFixed(0)} MB`, 'modules, the header, the workers starting')
  row('RSS during the build', rssAt.join(', '))
  row('peak RSS', `${peak.toFixed(0)} MB`)
  const all = build + sign + renderJson + renderHtmlMs + renderPdfMs
  const target = total <= 100_000 ? { s: 10, mb: 300 } : { s: 120, mb: 300 }
  const timeOk = all / 1000 <= target.s
  // "Not growing": RSS at the last sample within FLAT_MB of the first (the heap breathes between collections).
  const growth = rssSamples.length < 2 ? 0 : rssSamples[rssSamples.length - 1] - rssSamples[0]
  const flatOk = total <= 100_000 || growth <= FLAT_MB
  const memOk = peak <= target.mb
  console.log(`${timeOk ? 'PASS' : 'FAIL'} build+sign+render ${(all / 1000).toFixed(2)} s (target <= ${target.s} s)`)
  console.log(`${memOk ? 'PASS' : 'FAIL'} peak RSS ${peak.toFixed(0)} MB (target <= ${target.mb} MB${total > 100_000 ? ', and flat: see RSS during the build' : ''})`)
  console.log(`${onWorkers ? 'PASS' : 'FAIL'} every receipt re-checked on the worker threads (signature caches empty)${onWorkers ? '' : ': the pool broke; the figures above are not a real re-check'}`)
  if (report.summary.receipts.verified !== total) throw new Error('the synthetic receipts did not all verify')

  const pdfFile = join(OUT, `report-${total}.pdf`)
  const htmlFile = join(OUT, `report-${total}.html`)
  writeFileSync(pdfFile, pdf)
  writeFileSync(htmlFile, html)
  execFileSync('/usr/bin/pdftoppm', ['-r', '80', '-f', '1', '-l', '1', '-singlefile', '-png', pdfFile, join(OUT, `report-${total}-pdf-page-1`)])
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launchPersistentContext(join(OUT, 'chromium-profile'), { executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1100, height: 1400 }, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
  try {
    const page = await browser.newPage()
    await page.goto(`file://${htmlFile}`)
    await page.screenshot({ path: join(OUT, `report-${total}-html.png`) })
  } finally {
    await browser.close()
  }
  rmSync(receiptsPath, { force: true })
  console.log(`load average at end: ${load()}`)
  console.log(`page images: ${join(OUT, `report-${total}-pdf-page-1.png`)} (pdftoppm), ${join(OUT, `report-${total}-html.png`)} (Chromium)`)
  if (total > 100_000) console.log(`${flatOk ? 'PASS' : 'FAIL'} RSS growth ${growth.toFixed(0)} MB from the first 100,000 receipts to the last (target: flat, <= ${FLAT_MB} MB)`)
  return timeOk && memOk && flatOk && onWorkers
}

async function main (): Promise<void> {
  if (process.argv[2] === 'generate') {
    await generate(Number(process.argv[3]), Number(process.argv[4]))
    return
  }
  const cores = Number(process.argv[2] ?? 1000)
  const list = (process.argv[3] ?? '100,1000').split(',').map(Number)
  if (list.length === 1) {
    if (!(await one(cores, list[0]))) process.exitCode = 1
    return
  }
  // Each size in a process of its own: peak RSS (getrusage) is a process's, and the larger run
  // must not carry the smaller one's heap, nor the browser driver its page image loaded.
  let ok = true
  for (const rounds of list) {
    const run = spawnSync(process.execPath, [...process.execArgv, __filename, String(cores), String(rounds)], { stdio: 'inherit' })
    ok = run.status === 0 && ok
  }
  if (!ok) process.exitCode = 1
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1 })
