// CLI start-up: wall time of `hyperseal --help`, `verify --help`, `start --help` from dist/ against bare node.
/**
 *   npm run bench -- cli-start [runs]      (default 25 runs of each command, 2 warm-up rounds)
 *
 * Builds dist/ first when a source file is newer than it (bin/hyperseal.js runs dist/ when built).
 * Each round runs every command once, in a rotating order, so that a machine whose speed drifts
 * (other processes, thermal) weighs on all of them alike; the wall time of a run is from spawn
 * to exit, output discarded. Quoted: the median of each, and the median of the per-round
 * differences to bare `node -e 0` (what the CLI itself adds, the part its code decides).
 *
 * Target (issue 10): `hyperseal --help` ≤ 150 ms, and every command's `--help` as fast; measured
 * before on this machine: 560 ms with bare node at 81 ms. On a loaded machine bare node itself
 * is slower, so the check also states the CLI's own share against the 150 − 81 = 69 ms budget.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { machine, median, ms, printChecks, printTable } from './support/measure'

const ROOT = join(__dirname, '..')
const BIN = join(ROOT, 'bin', 'hyperseal.js')
const TARGET_MS = 150
const BARE_NODE_BEFORE_MS = 81
const WARMUP_ROUNDS = 2

const COMMANDS: Array<{ name: string, args: string[] }> = [
  { name: 'node -e 0 (bare node)', args: ['-e', '0'] },
  { name: 'hyperseal --help', args: [BIN, '--help'] },
  { name: 'hyperseal verify --help', args: [BIN, 'verify', '--help'] },
  { name: 'hyperseal start --help', args: [BIN, 'start', '--help'] }
]

function newestMtime (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function ensureBuilt (): void {
  const main = join(ROOT, 'dist', 'cli', 'main.js')
  let built = 0
  try {
    built = statSync(main).mtimeMs
  } catch {
    built = 0
  }
  if (built >= newestMtime(join(ROOT, 'src'))) return
  console.log('dist/ is missing or older than src/: building it (tsc -p tsconfig.build.json)…')
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' })
  if (tsc.status !== 0) throw new Error('the build failed')
}

/** One run's wall time; the command must exit 0 (a broken --help is no figure). */
function timeOnce (args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'ignore' })
    child.once('error', reject)
    child.once('exit', (code) => {
      const took = performance.now() - started
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`))
      else resolve(took)
    })
  })
}

async function main (): Promise<void> {
  const runs = Number(process.argv[2] ?? 25)
  if (!Number.isInteger(runs) || runs < 20) throw new Error('give at least 20 runs')
  ensureBuilt()
  // The built CLI, as a user runs it: never the ts-node path.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HYPERSEAL_')))
  console.log(`cli-start: ${runs} runs of each command after ${WARMUP_ROUNDS} warm-up rounds; ${machine()}`)
  const times: number[][] = COMMANDS.map(() => [])
  for (let round = 0; round < WARMUP_ROUNDS + runs; round++) {
    for (let k = 0; k < COMMANDS.length; k++) {
      const i = (round + k) % COMMANDS.length
      const took = await timeOnce(COMMANDS[i].args, env)
      if (round >= WARMUP_ROUNDS) times[i].push(took)
    }
  }
  const bare = times[0]
  const rows = COMMANDS.map((c, i) => {
    const own = times[i].map((t, r) => t - bare[r])
    return { name: c.name, median: median(times[i]), min: Math.min(...times[i]), max: Math.max(...times[i]), own: median(own) }
  })
  printTable(['command', 'median', 'min', 'max', 'above bare node (median of pairs)'],
    rows.map((r, i) => [r.name, ms(r.median), ms(r.min), ms(r.max), i === 0 ? '-' : ms(r.own)]))
  console.log(`load average now: ${machine().replace(/.*load average /, '')}`)
  const budget = TARGET_MS - BARE_NODE_BEFORE_MS
  printChecks(rows.slice(1).flatMap((r) => [
    { ok: r.median <= TARGET_MS, text: `${r.name}: median ${ms(r.median)} ≤ ${TARGET_MS} ms (bare node here: ${ms(rows[0].median)})` },
    { ok: r.own <= budget, text: `${r.name}: ${ms(r.own)} above bare node ≤ ${budget} ms (${TARGET_MS} ms target − ${BARE_NODE_BEFORE_MS} ms bare node when it was set)` }
  ]))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
