// The independent CLI verify of one old version of a 1,000,000-block remote core from a cold process: start-up, log replication, chain, replica; bytes fetched.
/**
 *   npm run bench -- verify-cold [runs]          (default 5 cold runs; builds dist/ when stale)
 *
 * A writer holds a core of 1,000,000 blocks of 100 bytes (108 MB of blocks) and serves it over
 * TCP; a real service (embedded anvil) watches it and sealed it at 400,000 and at 1,000,000
 * blocks. Then, in a new process each time, the user's command:
 *
 *   hyperseal verify <key> 300000 --trust trust.json --rpc <anvil> --peer <writer> --log-peer <service>
 *
 * which reads the pinned trust root, replicates the service's receipts log sparsely and checks it
 * against its own seal on chain, reads the chain itself for the deciding seal (code, sealedAt,
 * block, transaction), and checks the writer's upgrade proof for the sealed length. The writer and
 * the service are reached through counting TCP proxies: bytes fetched are what crossed them
 * towards the verifier. HYPERSEAL_TIMINGS=1 makes the CLI print each step's time.
 *
 * Targets (issue 10): `hyperseal --help` ≤ 150 ms (bench/cli-start.ts measures it finely; here
 * once more for the record), the verification work after start-up ≤ 50 ms, ≤ 64 KB fetched
 * including the receipts log. Measured before the trust root: 560 ms --help, ~150 ms of work,
 * 1,528 bytes (no receipts log read).
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Corestore from 'corestore'
import { loadConfig } from '../src/config'
import { HypersealService } from '../src/service'
import { ensureBuilt } from './support/build'
import { machine, median, ms, num, printChecks, printTable, until } from './support/measure'
import { serveStore } from './support/serve-store'
import { tempDir } from './support/temp-dir'

const ROOT = join(__dirname, '..')
const BIN = join(ROOT, 'bin', 'hyperseal.js')
const BLOCKS = 1_000_000
const FIRST_SEAL = 400_000
const VERSION = 300_000
const BLOCK_BYTES = 100
const TARGET_HELP_MS = 150
const TARGET_WORK_MS = 50
const TARGET_BYTES = 64 * 1024

/** A TCP proxy that counts the bytes sent from `target` back to whoever dials it. */
async function countingProxy (target: { host: string, port: number }): Promise<{ address: string, bytes: () => number, close: () => Promise<void> }> {
  let bytes = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    sockets.add(client)
    sockets.add(upstream)
    upstream.on('data', (chunk: Buffer) => { bytes += chunk.byteLength })
    client.pipe(upstream).pipe(client)
    const end = (): void => { client.destroy(); upstream.destroy() }
    client.on('error', end)
    upstream.on('error', end)
    client.on('close', end)
    upstream.on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => bytes,
    close: async () => { for (const s of sockets) s.destroy(); await new Promise<void>((resolve) => server.close(() => resolve())) }
  }
}

function run (args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null, stdout: string, stderr: string, wall: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr, wall: performance.now() - started }))
  })
}

async function main (): Promise<void> {
  const runs = Number(process.argv[2] ?? 5)
  ensureBuilt()
  const tmp = tempDir('hs-bench-cold-')
  const undo: Array<() => Promise<unknown> | unknown> = [() => tmp.remove()]
  try {
    console.log(`verify-cold: ${machine()}`)
    const setup = performance.now()
    const store = new Corestore(join(tmp.dir, 'writer'))
    undo.push(() => store.close())
    const core = store.get({ name: 'big' })
    await core.ready()
    const append = async (to: number): Promise<void> => {
      while (core.length < to) {
        const n = Math.min(10_000, to - core.length)
        await core.append(Array.from({ length: n }, (_, i) => Buffer.alloc(BLOCK_BYTES, (core.length + i) % 251)))
      }
    }
    const writer = await serveStore(store)
    undo.push(() => writer.close())
    const writerAddress = { host: '127.0.0.1', port: writer.port }

    const service = await HypersealService.open(loadConfig({ env: { HYPERSEAL_DATA: join(tmp.dir, 'service'), HYPERSEAL_PORT: '0', HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_CHAIN_PORT: '0' } }), { updateTimeoutMs: 30_000 })
    undo.push(() => service.close())
    const key = core.key.toString('hex')
    const sealAt = async (length: number): Promise<void> => {
      await append(length)
      await until(() => service.watcher.watched().find((c) => c.key === key)?.length === length, `the service's replica at ${length}`)
      const pass = await service.sealNow()
      if (pass.batch === null) throw new Error(`nothing sealed at ${length}`)
    }
    await service.watchCore(key, [`${writerAddress.host}:${writerAddress.port}`])
    await sealAt(FIRST_SEAL)
    await sealAt(BLOCKS)
    // One more pass seals the receipts log's own head past the last batch's receipts.
    await service.sealNow()
    const { root } = service.trust()
    const trustFile = join(tmp.dir, 'trust.json')
    writeFileSync(trustFile, JSON.stringify(root))
    const [logHost, logPort] = root.receiptsLogs[0].peers[0].split(':')
    console.log(`setup: ${num(BLOCKS)} blocks of ${BLOCK_BYTES} bytes (${num(BLOCKS * BLOCK_BYTES / 1e6, 1)} MB), sealed at ${num(FIRST_SEAL)} and ${num(BLOCKS)}, in ${ms(performance.now() - setup)}`)

    const writerProxy = await countingProxy(writerAddress)
    undo.push(() => writerProxy.close())
    const logProxy = await countingProxy({ host: logHost, port: Number(logPort) })
    undo.push(() => logProxy.close())
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HYPERSEAL_'))), HYPERSEAL_TIMINGS: '1' }
    const args = ['verify', key, String(VERSION), '--trust', trustFile, '--rpc', service.rpcUrl!, '--peer', writerProxy.address, '--log-peer', logProxy.address, '--json', '--timeout', '30']

    const results: Array<{ wall: number, timings: Record<string, number>, uptimeMs: number, writerBytes: number, logBytes: number }> = []
    for (let i = 0; i < runs + 1; i++) {
      const [w0, l0] = [writerProxy.bytes(), logProxy.bytes()]
      const r = await run(args, env)
      const verdict = JSON.parse(r.stdout) as { status: string, final: boolean, reason: string }
      if (r.code !== 0 || verdict.status !== 'verified') throw new Error(`expected verified (exit 0), got exit ${r.code}: ${verdict.status} ${verdict.reason} ${r.stderr}`)
      const line = r.stderr.split('\n').find((l) => l.startsWith('{"timings"'))
      if (line === undefined) throw new Error('the CLI printed no timings')
      const { timings, uptimeMs } = JSON.parse(line) as { timings: Record<string, number>, uptimeMs: number }
      if (i === 0) continue // the first run warms the OS file cache, as any second use would
      results.push({ wall: r.wall, timings, uptimeMs, writerBytes: writerProxy.bytes() - w0, logBytes: logProxy.bytes() - l0 })
    }
    const helpRuns: number[] = []
    const bareRuns: number[] = []
    for (let i = 0; i < 10; i++) {
      helpRuns.push((await run(['--help'], env)).wall)
      bareRuns.push(await new Promise<number>((resolve) => {
        const t = performance.now()
        spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).once('close', () => resolve(performance.now() - t))
      }))
    }

    // The chain reader, the replica and the log open side by side: the CLI reports the wall time
    // of the whole verification as 'work' (older builds without it: the sum of the steps).
    const phases = ['rpc-connect', 'replica-open', 'log-open', 'log', 'log-check', 'chain', 'replica', 'verify']
    const work = results.map((r) => r.timings.work ?? phases.reduce((sum, p) => sum + (r.timings[p] ?? 0), 0))
    const med = (f: (r: typeof results[number]) => number): number => median(results.map(f))
    printTable(['step (median of ' + results.length + ' cold runs)', 'time'], [
      ['process wall time (spawn to exit)', ms(med((r) => r.wall))],
      ['  start-up: until the verification begins', ms(med((r) => r.wall) - median(work))],
      ...phases.map((p) => [`  ${p}`, ms(med((r) => r.timings[p] ?? 0), 1)]),
      ['  verification work (wall; the three opens overlap)', ms(median(work), 1)],
      ['hyperseal --help (10 runs)', ms(median(helpRuns))],
      ['bare node -e 0 (10 runs)', ms(median(bareRuns))]
    ])
    const bytes = med((r) => r.writerBytes + r.logBytes)
    console.log(`bytes fetched: ${num(med((r) => r.writerBytes))} from the peer, ${num(med((r) => r.logBytes))} from the receipts log's peer, ${num(bytes)} in all (a full download is ${num(BLOCKS * BLOCK_BYTES / 1e6, 1)} MB of blocks)`)
    printChecks([
      { ok: median(helpRuns) <= TARGET_HELP_MS, text: `hyperseal --help ${ms(median(helpRuns))} ≤ ${TARGET_HELP_MS} ms (bare node here ${ms(median(bareRuns))}; bench/cli-start.ts has the load-adjusted figure)` },
      { ok: median(work) <= TARGET_WORK_MS, text: `verification work after start-up ${ms(median(work), 1)} ≤ ${TARGET_WORK_MS} ms` },
      { ok: bytes <= TARGET_BYTES, text: `${num(bytes)} bytes fetched ≤ ${num(TARGET_BYTES)} (64 KB), receipts log included` }
    ])
  } finally {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => {})
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
