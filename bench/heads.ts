// Head capture + verification and batch building over 1,000 and 10,000 local cores (per-head cost must stay flat).
//
// Run: `npm run bench -- heads` (see scripts/bench.js). One Corestore in a temp dir gets 1,000
// writer cores of a few blocks each, then 9,000 more. At each size, every core's head is
// captured and verified with the code the service runs (`captureCoreHead`: bounded update,
// one synchronous `readHead`, `verifyHeadSignature`), one core after the other, and the heads
// are put in one batch (`buildBatch`: leaf hashes and the Merkle tree; it does not verify again
// a head object verified at capture and unchanged since, as in a seal pass). Each size gets a
// warm-up run, then measured runs (more at 1,000, where a run is short); medians are reported.
// Target: the per-head cost at 10,000 is within 1.2x of the cost at 1,000. Exits 1 otherwise.
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { captureCoreHead } from '../src/heads'
import { buildBatch, type Head } from '../src/seal'
import { createCores } from './support/cores'
import { machine, maxRssBytes, mb, median, MemorySampler, ms, num, printChecks, printTable, secs } from './support/measure'
import { tempDir } from './support/temp-dir'

const SIZES = [1_000, 10_000]
const BLOCKS_PER_CORE = 3
// Runs per size: a 1,000-core run takes ~0.1 s, so it gets more runs against scheduling noise.
const RUNS: Record<number, number> = { 1_000: 15, 10_000: 7 }
const RATIO_LIMIT = 1.2
// Local writable cores never wait on a peer; the bound only matters if that ever changes.
const UPDATE_TIMEOUT_MS = 10_000
const SAMPLE_EVERY = 250

interface Run { captureMs: number, buildMs: number }

async function captureAll (cores: readonly Hypercore[], memory: MemorySampler): Promise<{ heads: Head[], ms: number }> {
  const heads = new Array<Head>(cores.length)
  const start = performance.now()
  for (let i = 0; i < cores.length; i++) {
    heads[i] = (await captureCoreHead(cores[i], { updateTimeoutMs: UPDATE_TIMEOUT_MS })).head
    if (i % SAMPLE_EVERY === 0) memory.sample()
  }
  return { heads, ms: performance.now() - start }
}

async function runOnce (cores: readonly Hypercore[], memory: MemorySampler): Promise<Run> {
  const { heads, ms: captureMs } = await captureAll(cores, memory)
  const start = performance.now()
  const batch = buildBatch(heads)
  const buildMs = performance.now() - start
  memory.sample()
  if (batch.leafCount !== cores.length) throw new Error(`the batch has ${batch.leafCount} leaves, not ${cores.length}`)
  return { captureMs, buildMs }
}

async function main (): Promise<void> {
  if (process.argv.length > 2) {
    console.error('The heads bench takes no arguments: npm run bench -- heads')
    process.exitCode = 2
    return
  }
  console.log(`machine: ${machine()}`)
  console.log(`${BLOCKS_PER_CORE} blocks per core, one Corestore; per size: 1 warm-up run, then the median of ${SIZES.map((n) => `${RUNS[n]} runs at ${num(n)}`).join(', ')}\n`)
  const benchStart = performance.now()
  const tmp = tempDir('hs-bench-heads-')
  const store = new Corestore(tmp.dir)
  const memory = new MemorySampler().start()
  const rows: Array<{ n: number, createMs: number, runs: Run[], perHeadUs: number, buildMs: number, totalMs: number }> = []
  try {
    await store.ready()
    const cores: Hypercore[] = []
    for (const n of SIZES) {
      const sizeStart = performance.now()
      cores.push(...await createCores(store, 'bench', cores.length, n - cores.length, BLOCKS_PER_CORE))
      const createMs = performance.now() - sizeStart
      console.log(`N = ${num(n)}: ${num(n)} cores ready (${secs(createMs)} to create the new ones); warming up`)
      await runOnce(cores, memory)
      const runs: Run[] = []
      for (let r = 0; r < RUNS[n]; r++) runs.push(await runOnce(cores, memory))
      const perHeadUs = median(runs.map((r) => r.captureMs)) * 1000 / n
      const buildMs = median(runs.map((r) => r.buildMs))
      console.log(`  capture+verify per run: ${runs.map((r) => ms(r.captureMs)).join(', ')}; buildBatch: ${runs.map((r) => ms(r.buildMs)).join(', ')}`)
      rows.push({ n, createMs, runs, perHeadUs, buildMs, totalMs: performance.now() - sizeStart })
    }
  } finally {
    memory.stop()
    await store.close()
    tmp.remove()
  }

  console.log('')
  printTable(
    ['cores N', 'create', 'capture+verify/head', 'capture+verify all', 'buildBatch', 'buildBatch/head', 'size total'],
    rows.map((r) => [
      num(r.n), secs(r.createMs), `${num(r.perHeadUs, 1)} µs`, ms(r.perHeadUs * r.n / 1000), ms(r.buildMs),
      `${num(r.buildMs * 1000 / r.n, 1)} µs`, secs(r.totalMs)
    ])
  )
  console.log(`\ntotal time ${secs(performance.now() - benchStart)}; peak memory: RSS ${mb(memory.peakRss)} (kernel maxRSS ${mb(maxRssBytes())}), heap used ${mb(memory.peakHeap)}`)

  const [small, large] = rows
  const ratio = large.perHeadUs / small.perHeadUs
  printChecks([{
    ok: ratio <= RATIO_LIMIT,
    text: `capture+verify per head at ${num(large.n)} cores (${num(large.perHeadUs, 1)} µs) is within ${RATIO_LIMIT}x of ` +
      `the cost at ${num(small.n)} (${num(small.perHeadUs, 1)} µs): ratio ${num(ratio, 3)}`
  }])
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exitCode = 1
})
