// Watching 10,000 and 100,000 cores through the API (bulk POST /v1/cores): time, journal vs sessions.
//
// Run: `npm run bench -- watch-bulk [--sizes 10000,100000]`. Each size runs in its own child
// process (its memory is its own): a real service (`HypersealService.open`, embedded anvil, a
// temp data dir) with its API listening on 127.0.0.1, and the keys (random, of cores that need
// not exist, no peers) POSTed as `{ cores: [...] }` in chunks of 1,000 over HTTP, as
// `hyperseal watch --file` sends them. The service's parts are timed from the outside
// (bench/support/instrument.ts): `journal.addWatches` (the one journal write per request),
// `watcher.watch` (opening each core's session), `log.latestReceipt` (each core's last seal for
// the answer); the rest is HTTP, JSON and validation. Also printed: the old way, one POST per
// core, over the first 200 keys (journal write and flush per call), and the RSS of the child.
// Target (issue 11 item 7): 100,000 cores watched in <= 60 s. The sessions are the later task's
// (sessions opened on demand); this bench says how much of the time they take.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../src/api'
import { loadConfig } from '../src/config'
import { HypersealService } from '../src/service'
import { CallTimer } from './support/instrument'
import { machine, maxRssBytes, mb, ms, num, printChecks, printTable, secs } from './support/measure'
import { tempDir } from './support/temp-dir'

const DEFAULT_SIZES = [10_000, 100_000]
const CHUNK = 1_000
const SINGLE = 200
const TAG = 'RESULT '
const TARGET = { cores: 100_000, ms: 60_000 }

interface SizeResult {
  n: number
  totalMs: number
  chunkMedianMs: number
  parts: Record<'journal' | 'sessions' | 'lastSeal', number>
  singleMsPerCall: number
  rss: number
}

async function runSize (n: number): Promise<SizeResult> {
  const tmp = tempDir('hs-bench-watch-')
  const service = await HypersealService.open(loadConfig({ env: { HYPERSEAL_DATA: tmp.dir, HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_PORT: '0', HYPERSEAL_CHAIN_PORT: '0' } }))
  const app = buildApp({ service, adminToken: service.adminToken, metrics: service.registry, rateLimit: false })
  try {
    await app.listen({ host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/cores`
    const post = async (body: unknown): Promise<void> => {
      const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${service.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      if (res.status !== 200 && res.status !== 201) throw new Error(`POST /v1/cores answered ${res.status}: ${await res.text()}`)
      await res.arrayBuffer()
    }
    const timer = new CallTimer()
    timer.wrap('journal', service.journal, ['addWatches'])
    timer.wrap('watcher', service.watcher, ['watch'])
    timer.wrap('log', service.log, ['latestReceipt'])
    const keys = Array.from({ length: n }, () => randomBytes(32).toString('hex'))

    const chunks: number[] = []
    const started = performance.now()
    for (let from = 0; from < n; from += CHUNK) {
      const t = performance.now()
      await post({ cores: keys.slice(from, from + CHUNK).map((key) => ({ key })) })
      chunks.push(performance.now() - t)
    }
    const totalMs = performance.now() - started
    const part = (name: string): number => timer.stats.get(name)?.ms ?? 0
    const parts = { journal: part('journal.addWatches'), sessions: part('watcher.watch'), lastSeal: part('log.latestReceipt') }

    // The old way, for comparison: one request per core (one journal write and flush each).
    const single = Array.from({ length: SINGLE }, () => randomBytes(32).toString('hex'))
    const t = performance.now()
    for (const key of single) await post({ key })
    const singleMsPerCall = (performance.now() - t) / SINGLE

    chunks.sort((a, b) => a - b)
    return { n, totalMs, chunkMedianMs: chunks[chunks.length >> 1], parts, singleMsPerCall, rss: maxRssBytes() }
  } finally {
    await app.close()
    await service.close()
    tmp.remove()
  }
}

function child (n: number): Promise<SizeResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, __filename, '--child', String(n)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    proc.once('error', reject)
    proc.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(TAG))
      if (code === 0 && line !== undefined) resolve(JSON.parse(line.slice(TAG.length)) as SizeResult)
      else reject(new Error(`the ${num(n)}-core run failed (exit ${String(code)})`))
    })
  })
}

async function main (): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--child') {
    console.log(TAG + JSON.stringify(await runSize(Number(args[1]))))
    return
  }
  const sizes = args[0] === '--sizes' ? (args[1] ?? '').split(',').map(Number) : DEFAULT_SIZES
  if ((args.length !== 0 && args.length !== 2) || !sizes.every((s) => Number.isSafeInteger(s) && s >= CHUNK && s <= 1_000_000)) {
    console.error('usage: npm run bench -- watch-bulk [--sizes 10000,100000]   (each size 1,000 to 1,000,000)')
    process.exitCode = 2
    return
  }
  console.log(`machine: ${machine()}`)
  console.log(`bulk POST /v1/cores over HTTP on 127.0.0.1, ${num(CHUNK)} keys a request, keys of cores that do not exist, no peers; each size in its own process\n`)
  const results: SizeResult[] = []
  for (const n of sizes) results.push(await child(n))
  const share = (r: SizeResult, v: number): string => `${secs(v)} (${num(100 * v / r.totalMs)}%)`
  printTable(
    ['cores', 'total', 'per 1,000', 'journal writes', 'opening sessions', 'last-seal reads', 'rest (HTTP, JSON, checks)', 'RSS', 'one POST per core'],
    results.map((r) => [
      num(r.n), secs(r.totalMs), ms(r.chunkMedianMs), share(r, r.parts.journal), share(r, r.parts.sessions), share(r, r.parts.lastSeal),
      share(r, r.totalMs - r.parts.journal - r.parts.sessions - r.parts.lastSeal), mb(r.rss), `${ms(r.singleMsPerCall, 1)} a call`
    ]))
  const big = results.find((r) => r.n === TARGET.cores)
  printChecks(big === undefined
    ? []
    : [{ ok: big.totalMs <= TARGET.ms, text: `${num(TARGET.cores)} cores watched through the API in ${secs(big.totalMs)} (target <= ${secs(TARGET.ms)}; journal ${secs(big.parts.journal)}, sessions ${secs(big.parts.sessions)})` }])
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exitCode = 1
})
