// GET /v1/verify warm, against a bare Fastify route with a constant body of the same size (autocannon), with 1 and with 20,000 receipts on the core.
/**
 *   npm run bench -- verify-http [seconds] [receipts]     (default 5 s per run, 20,000 receipts)
 *
 * A real service (embedded anvil, Corestore, replication on 127.0.0.1) behind the real API (the
 * production logger writing to /dev/null, the public rate limit set high enough not to answer
 * 429 but still running) listens on 127.0.0.1. It watches two writers' cores:
 *
 *   small   10 blocks, sealed once by a seal pass;
 *   long    20,000 blocks, each length sealed in its own batch (20,000 seal transactions on the
 *           anvil, 20,000 batches and receipts written to the service's ledger as the sealer
 *           writes them), so the core has 20,000 receipts.
 *
 * Each verdict is asked once cold (timed: the seal index bounds it), then autocannon (in its own
 * process, 10 connections, pipelining 1) runs against, in turn: a bare Fastify route returning a
 * constant JSON body of the same byte length, the warm verify of `small`, the warm verify of
 * `long`; three rounds, median req/s per target. While the warm routes run the bench counts the
 * service's JSON-RPC calls (none expected: a warm verify is answered from the verdict cache).
 *
 * Targets (issue 11 item 8): req/s of the warm verify ≥ 0.5 × the bare route's, p99 ≤ 10 ms,
 * for both cores.
 */
import { spawn } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Corestore from 'corestore'
import Fastify from 'fastify'
import pino from 'pino'
import { buildApp, apiLimits, createLogger } from '../src/api'
import { loadConfig } from '../src/config'
import { HypersealService } from '../src/service'
import { CallTimer } from './support/instrument'
import { machine, median, ms, num, printChecks, printTable, until } from './support/measure'
import { sealEveryLength } from './support/seal-fill'
import { serveStore } from './support/serve-store'
import { tempDir } from './support/temp-dir'

const ROOT = join(__dirname, '..')
const AUTOCANNON = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js')
const CONNECTIONS = 10
const ROUNDS = 3
const TARGET_RATIO = 0.5
const TARGET_P99_MS = 10
const SMALL_BLOCKS = 10
const SHORT_RECEIPTS = 20
const VERIFY_REPEATS = 50

interface Cannon { rps: number, p50: number, p99: number, bytes: number, non2xx: number, errors: number }

/** autocannon in its own process, so the load generator does not share the server's event loop. */
function cannon (url: string, seconds: number): Promise<Cannon> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AUTOCANNON, '--json', '-c', String(CONNECTIONS), '-d', String(seconds), url], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.once('error', reject)
    child.once('close', (code) => {
      if (code !== 0) { reject(new Error(`autocannon exited ${code}: ${err}`)); return }
      const r = JSON.parse(out) as { requests: { average: number }, latency: { p50: number, p99: number }, throughput: { average: number }, non2xx: number, errors: number, timeouts: number }
      resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bytes: r.throughput.average, non2xx: r.non2xx, errors: r.errors + r.timeouts })
    })
  })
}

async function main (): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5)
  const receiptCount = Number(process.argv[3] ?? 20_000)
  const tmp = tempDir('hs-bench-vhttp-')
  const undo: Array<() => Promise<unknown> | unknown> = [() => tmp.remove()]
  try {
    console.log(`verify-http: ${machine()}`)
    const setup = performance.now()
    const config = loadConfig({ env: { HYPERSEAL_DATA: join(tmp.dir, 'service'), HYPERSEAL_PORT: '0', HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_CHAIN_PORT: '0', HYPERSEAL_RATE_LIMIT: '1000000' } })
    const service = await HypersealService.open(config, { updateTimeoutMs: 5000 })
    undo.push(() => service.close())
    const logger = createLogger({ destination: pino.destination({ dest: '/dev/null', sync: false }) })
    const app = buildApp({ service, adminToken: service.adminToken, logger, metrics: service.registry, ...apiLimits(config) })
    undo.push(() => app.close())
    await app.listen({ host: '127.0.0.1', port: 0 })
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

    const writers = new Corestore(join(tmp.dir, 'writers'))
    undo.push(() => writers.close())
    const served = await serveStore(writers)
    undo.push(() => served.close())
    const small = writers.get({ name: 'small' })
    const short = writers.get({ name: 'short' })
    const long = writers.get({ name: 'long' })
    await Promise.all([small.ready(), short.ready(), long.ready()])
    const replicaAt = async (core: typeof small): Promise<void> => {
      const key = core.key.toString('hex')
      await until(() => service.watcher.watched().find((c) => c.key === key)?.length === core.length, `the service's replica of ${key} at ${core.length}`)
    }

    for (let i = 0; i < SMALL_BLOCKS; i++) await small.append(Buffer.from(`small ${i}`))
    await service.watchCore(small.key.toString('hex'), [served.address])
    await replicaAt(small)
    if ((await service.sealNow()).batch === null) throw new Error('the seal pass sealed nothing')
    await sealEveryLength(service, short, SHORT_RECEIPTS)
    await service.watchCore(short.key.toString('hex'), [served.address])
    await replicaAt(short)
    const fill = performance.now()
    await sealEveryLength(service, long, receiptCount)
    const fillMs = performance.now() - fill
    await service.watchCore(long.key.toString('hex'), [served.address])
    await replicaAt(long)
    const longReceipts = (await service.coreReceipts(long.key.toString('hex'))).length
    console.log(`setup: ${num(receiptCount)} seals of one core (transactions, batches, receipts) in ${ms(fillMs)}; all in ${ms(performance.now() - setup)}; the long core has ${num(longReceipts)} receipts`)

    const targets = [
      { name: 'small', key: small.key.toString('hex'), version: Math.ceil(SMALL_BLOCKS / 2), receipts: 1 },
      { name: 'long', key: long.key.toString('hex'), version: Math.ceil(receiptCount / 2), receipts: longReceipts }
    ]
    const cold: Record<string, { ms: number, bytes: number }> = {}
    for (const t of targets) {
      const url = `${base}/v1/verify/${t.key}/${t.version}`
      const started = performance.now()
      const res = await fetch(url)
      const body = await res.text()
      cold[t.name] = { ms: performance.now() - started, bytes: Buffer.byteLength(body) }
      const verdict = JSON.parse(body) as { status: string, final: boolean, reason: string }
      if (res.status !== 200 || verdict.status !== 'verified' || !verdict.final) throw new Error(`${t.name}: expected a final verified verdict, got ${res.status} ${body.slice(0, 300)}`)
      if (service.cachedVerify(t.key, t.version) === null) throw new Error(`${t.name}: the verdict was not kept`)
    }

    // Issue 11's test list: a verify of a core with 20,000 receipts within 20% of one with 20.
    // The verdict computed afresh each time (not the verdict cache), chain answers cached.
    const computeMs = async (key: string, version: number): Promise<number> => {
      const times: number[] = []
      for (let i = 0; i < VERIFY_REPEATS; i++) {
        const started = performance.now()
        await service.verify(key, version)
        times.push(performance.now() - started)
      }
      return median(times)
    }
    await computeMs(short.key.toString('hex'), SHORT_RECEIPTS / 2)
    const shortMs = await computeMs(short.key.toString('hex'), SHORT_RECEIPTS / 2)
    const longMs = await computeMs(long.key.toString('hex'), Math.ceil(receiptCount / 2))

    const bareBody = (bytes: number): string => JSON.stringify({ pad: 'x'.repeat(bytes - 10) })
    const bare = Fastify()
    undo.push(() => bare.close())
    const bodies = new Map(targets.map((t) => [t.name, bareBody(cold[t.name].bytes)]))
    bare.get('/bare/:name', async (request, reply) => await reply.type('application/json; charset=utf-8').send(bodies.get((request.params as { name: string }).name)))
    await bare.listen({ host: '127.0.0.1', port: 0 })
    const bareBase = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`

    const reader = (service as unknown as { reader: object }).reader
    const calls = new CallTimer()
    calls.wrap('rpc', reader as Record<string, unknown>, ['blockNumber', 'finalizedBlock', 'code', 'sealedAt', 'block', 'transaction'])
    const runs: Record<string, Cannon[]> = {}
    const run = async (label: string, url: string): Promise<void> => { (runs[label] ??= []).push(await cannon(url, seconds)) }
    for (const t of targets) {
      await cannon(`${bareBase}/bare/${t.name}`, 1)
      await cannon(`${base}/v1/verify/${t.key}/${t.version}`, 1)
    }
    calls.reset()
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of targets) {
        await run(`bare ${t.name}`, `${bareBase}/bare/${t.name}`)
        await run(`verify ${t.name}`, `${base}/v1/verify/${t.key}/${t.version}`)
      }
    }
    const rpcCalls = [...calls.stats.values()].reduce((sum, s) => sum + s.calls, 0)

    const med = (label: string, f: (c: Cannon) => number): number => median(runs[label].map(f))
    const bad = Object.values(runs).flat().reduce((sum, c) => sum + c.non2xx + c.errors, 0)
    printTable(['target (median of ' + ROUNDS + ' runs of ' + seconds + ' s, ' + CONNECTIONS + ' connections)', 'body', 'req/s', 'p50', 'p99'], Object.keys(runs).map((label) => {
      const t = targets.find((x) => label.endsWith(x.name))!
      return [label + (label.startsWith('verify') ? ` (${num(t.receipts)} receipts, version ${num(t.version)})` : ''), `${num(cold[t.name].bytes)} B`, num(med(label, (c) => c.rps)), ms(med(label, (c) => c.p50), 1), ms(med(label, (c) => c.p99), 1)]
    }))
    console.log(`cold verify (first request, index read + chain + replica): small ${ms(cold.small.ms)}, long ${ms(cold.long.ms)}`)
    console.log(`verify computed afresh (median of ${VERIFY_REPEATS}, chain answers cached): ${num(SHORT_RECEIPTS)} receipts ${ms(shortMs, 2)}, ${num(longReceipts)} receipts ${ms(longMs, 2)}`)
    console.log(`JSON-RPC calls while the warm verify routes ran: ${rpcCalls}; non-2xx answers or errors in all runs: ${bad}`)
    const checks = targets.flatMap((t) => {
      const ratio = med(`verify ${t.name}`, (c) => c.rps) / med(`bare ${t.name}`, (c) => c.rps)
      const p99 = med(`verify ${t.name}`, (c) => c.p99)
      return [
        { ok: ratio >= TARGET_RATIO, text: `${t.name} (${num(t.receipts)} receipts): warm verify / bare Fastify = ${ratio.toFixed(2)} ≥ ${TARGET_RATIO}` },
        { ok: p99 <= TARGET_P99_MS, text: `${t.name}: warm verify p99 ${ms(p99, 1)} ≤ ${TARGET_P99_MS} ms` }
      ]
    })
    printChecks([
      ...checks,
      { ok: longMs <= shortMs * 1.2, text: `verify with ${num(longReceipts)} receipts ${ms(longMs, 2)} within 20% of ${num(SHORT_RECEIPTS)} receipts ${ms(shortMs, 2)} (×${(longMs / shortMs).toFixed(2)})` },
      { ok: rpcCalls === 0, text: `no JSON-RPC call from a warm verify (${rpcCalls})` },
      { ok: bad === 0, text: `every answer a 200 (${bad} not)` },
      { ok: longReceipts >= receiptCount, text: `the long core has ${num(longReceipts)} ≥ ${num(receiptCount)} receipts` }
    ])
  } finally {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => {})
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
