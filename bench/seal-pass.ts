// One seal pass over 1,000 and 10,000 changed cores: wall time, phases, memory, gas, transactions.
//
// Run: `npm run bench -- seal-pass [--sizes 1000,10000]` (see scripts/bench.js). Each size runs
// in its own child process (so its peak memory is its own) and builds what the service builds
// (src/service/service.ts): `openDataDir` on a temp dir, the embedded anvil
// (`startEmbeddedChain` + `createChainClient` with its sealer key), the receipts log and the
// journal on the data dir's Corestore, a HeadWatcher on it (`replicationPort: 0`). N writer
// cores are created in that same Corestore by name (a few blocks each) and watched like
// `watchCore` does (journal `addWatch`, then watcher `watch`). Then two passes of `runSealPass`
// with the service's SealerDeps (confirmations 1, anvil automine):
//   first:   every core is new (never sealed);
//   re-seal: one block appended to every core, so each head is checked against its last seal.
// Measured per pass: wall and CPU time, time until the seal transaction was sent (the first
// `chain.seal` returning), time and peak RSS/heap per phase (`onPhase`), time per call
// (wrappers around the deps' methods), peak RSS, gas (the transaction receipt), seal
// transactions (`sealCount()` before/after). Sampled receipts are checked (`checkReceipt`).
// Targets at 10,000 cores: each pass <= 10 s, exactly one transaction, and a peak RSS of the
// whole child process (setup included) <= 1 GB. Exits 1 when a target fails.
// Profiles of the passes alone: BENCH_CPU_PROF=<dir> and/or BENCH_HEAP_PROF=<dir> (support/profile.ts).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Contract, JsonRpcProvider } from 'ethers'
import { Registry } from 'prom-client'
import { createChainClient, HYPERSEAL_ABI, startEmbeddedChain } from '../src/chain'
import { HeadWatcher } from '../src/heads'
import { Journal, openDataDir, ReceiptsLog } from '../src/ledger'
import { checkReceipt } from '../src/seal'
import { createSealerMetrics, runSealPass, type SealerDeps } from '../src/sealer'
import { SILENT_LOGGER } from '../src/util'
import { appendToAll, createCores } from './support/cores'
import { CallTimer } from './support/instrument'
import { profiled } from './support/profile'
import { machine, maxRssBytes, mb, MemorySampler, num, printChecks, secs } from './support/measure'
import { checks, report, type PassResult, type SizeResult } from './support/seal-pass-report'
import { tempDir } from './support/temp-dir'

const DEFAULT_SIZES = [1_000, 10_000]
const BLOCKS_PER_CORE = 3
const RESULT_TAG = 'RESULT '

// ---------------------------------------------------------------------------- child: one size

async function runSize (n: number): Promise<SizeResult> {
  const setupStart = performance.now()
  const tmp = tempDir('hs-bench-seal-')
  const dataDir = await openDataDir(tmp.dir)
  const undo: Array<() => Promise<unknown> | void> = [() => tmp.remove(), () => dataDir.close()]
  try {
    const embedded = await startEmbeddedChain({ dataDir: dataDir.dir })
    undo.push(() => embedded.stop())
    const chain = await createChainClient({ rpcUrl: embedded.rpcUrl, contractAddress: embedded.contractAddress, signerKey: embedded.sealerKey, pollMs: 100 })
    undo.push(() => chain.close())
    const provider = new JsonRpcProvider(embedded.rpcUrl, embedded.chainId, { staticNetwork: true })
    undo.push(() => provider.destroy())
    const contract = new Contract(embedded.contractAddress, HYPERSEAL_ABI, provider)
    const sealCount = async (): Promise<number> => Number(await contract.getFunction('sealCount').staticCall())

    const log = await ReceiptsLog.open(dataDir.store)
    undo.push(() => log.close())
    const journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
    undo.push(() => journal.close())
    const watcher = new HeadWatcher(dataDir.store, {
      replicationPort: 0,
      host: '127.0.0.1',
      updateTimeoutMs: 10_000,
      onIncident: async (incident) => { await log.appendIncident(incident) }
    })
    undo.push(() => watcher.close())
    await watcher.listen()

    const createStart = performance.now()
    const cores = await createCores(dataDir.store, 'bench-writer', 0, n, BLOCKS_PER_CORE)
    const createMs = performance.now() - createStart
    console.log(`${num(n)} writer cores created in ${secs(createMs)}; watching them`)
    const watchStart = performance.now()
    for (const core of cores) {
      const key = core.key.toString('hex')
      const { entry } = await journal.addWatch(key, [])
      await watcher.watch(key, entry.peers)
    }
    const watchMs = performance.now() - watchStart
    console.log(`${num(n)} cores watched in ${secs(watchMs)} (journal addWatch + watcher watch, one by one)`)

    const timer = new CallTimer()
    timer.wrap('watcher', watcher, ['captureHead', 'checkPrefix'])
    timer.wrap('log', log, ['receiptsViews', 'receiptsAt', 'receipts', 'listIncidents', 'appendBatch'])
    timer.wrap('journal', journal, ['listUnfinished', 'listWatched', 'prepareBatch', 'markSent', 'markMined', 'markFinal', 'removeInflight'])
    timer.wrap('chain', chain, ['findSeal', 'seal', 'waitMined', 'waitForConfirmations', 'getTransactionReceipt'])
    const phases: Record<string, number> = {}
    const phaseMemory: Record<string, { rss: number, heap: number }> = {}
    let memory = new MemorySampler()
    const deps: SealerDeps = {
      watcher,
      log,
      journal,
      chain,
      chainId: embedded.chainId,
      contract: chain.contractAddress,
      confirmations: 1,
      logger: SILENT_LOGGER,
      metrics: createSealerMetrics(new Registry()),
      onPhase: (phase, took) => {
        phases[phase] = (phases[phase] ?? 0) + took
        phaseMemory[phase] = memory.mark()
      }
    }
    const setupMs = performance.now() - setupStart

    const pass = async (name: string, expectedLeaves: number): Promise<PassResult> => {
      for (const p of Object.keys(phases)) delete phases[p]
      for (const p of Object.keys(phaseMemory)) delete phaseMemory[p]
      timer.reset()
      const before = await sealCount()
      const rssBefore = process.memoryUsage().rss
      memory = new MemorySampler().start(10)
      const cpu = process.cpuUsage()
      const start = performance.now()
      const outcome = await profiled(`seal-pass-${n}-${name}`, () => runSealPass(deps))
      const wallMs = performance.now() - start
      const cpuUsed = process.cpuUsage(cpu)
      memory.stop()
      const transactions = (await sealCount()) - before
      if (outcome.batch === null) throw new Error(`the ${name} pass sealed nothing (skipped: ${outcome.skipped.length})`)
      const mined = await chain.getTransactionReceipt(outcome.batch.seal.txHash)
      const receiptsOk = await sampleReceiptsOk(log, cores.map((c) => c.key.toString('hex')), outcome.batch.root)
      const sent = timer.firstDone.get('chain.seal')
      const result: PassResult = {
        name,
        leaves: outcome.batch.leafCount,
        wallMs,
        cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
        sentMs: sent === undefined ? NaN : sent - start,
        phases: { ...phases },
        phaseMemory: { ...phaseMemory },
        calls: Object.fromEntries(timer.stats),
        rssBefore,
        peakRss: memory.peakRss,
        peakHeap: memory.peakHeap,
        gas: mined?.gasUsed ?? 'unknown',
        transactions,
        receiptsOk
      }
      if (result.leaves !== expectedLeaves) throw new Error(`the ${name} pass sealed ${result.leaves} heads, not ${expectedLeaves}`)
      console.log(`${name} pass: ${num(result.leaves)} heads in ${secs(wallMs)} (transaction sent after ${secs(result.sentMs)}), peak RSS ${mb(result.peakRss)}`)
      return result
    }

    const passes: PassResult[] = []
    // The receipts log is empty before the first pass: its head joins from the second on.
    passes.push(await pass('first', n))
    await appendToAll(cores, 'appended after the first seal')
    passes.push(await pass('re-seal', n + 1))
    return { n, setupMs, createMs, watchMs, maxRss: maxRssBytes(), passes }
  } finally {
    for (const step of undo.reverse()) await step()
  }
}

/** The receipts of the first, middle and last core: in the log, for this root, and valid. */
async function sampleReceiptsOk (log: ReceiptsLog, keys: string[], root: string): Promise<boolean> {
  for (const key of [keys[0], keys[keys.length >> 1], keys[keys.length - 1]]) {
    const latest = await log.latestReceipt(key)
    if (latest === null || latest.receipt.seal.root !== root || !checkReceipt(latest.receipt).ok) return false
  }
  return true
}

// ---------------------------------------------------------------------------- parent: all sizes

function runChild (n: number): Promise<SizeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, '--child', String(n)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let result: SizeResult | null = null
    let buffered = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk
      let nl
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        if (line.startsWith(RESULT_TAG)) result = JSON.parse(line.slice(RESULT_TAG.length)) as SizeResult
        else console.log(`  ${line}`)
      }
    })
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      if (result !== null && code === 0) resolve(result)
      else reject(new Error(`the ${num(n)}-core run failed (${signal ?? `exit code ${String(code)}`})`))
    })
  })
}

function parseSizes (args: string[]): number[] | null {
  if (args.length === 0) return DEFAULT_SIZES
  if (args.length !== 2 || args[0] !== '--sizes') return null
  const sizes = args[1].split(',').map(Number)
  return sizes.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= 100_000) ? sizes : null
}

async function main (): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--child') {
    const result = await runSize(Number(args[1]))
    console.log(RESULT_TAG + JSON.stringify(result))
    return
  }
  const sizes = parseSizes(args)
  if (sizes === null) {
    console.error('usage: npm run bench -- seal-pass [--sizes 1000,10000]')
    process.exitCode = 2
    return
  }
  console.log(`machine: ${machine()}`)
  console.log(`${BLOCKS_PER_CORE} blocks per core; embedded anvil (automine), confirmations 1; each size in its own process\n`)
  const started = performance.now()
  const results: SizeResult[] = []
  for (const n of sizes) {
    console.log(`N = ${num(n)}`)
    results.push(await runChild(n))
  }
  report(results)
  console.log(`\ntotal bench time ${secs(performance.now() - started)}`)
  printChecks(checks(results))
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exitCode = 1
})
