// CLI start-up: wall time of `hyperseal --help`, `verify --help`, `start --help` from dist/ against bare node.
/**
 *   npm run bench -- cli-start [runs]      (default 25 runs of each command, 2 warm-up rounds)
 *
 * Builds dist/ first when a source file is newer than it (bin/hyperseal.js runs dist/ when built).
 * Each round runs every command once, in a rotating order, so that a machine whose speed drifts
 * (other processes, thermal) weighs on all of them alike; the wall time of a run is from spawn
 * to exit, output discarded, and its CPU time (user + sys, from /usr/bin/time when there is
 * one). Quoted: the median of each, and the median of the per-round ratios to bare `node -e 0`.
 *
 * Target (issue 10): `hyperseal --help` ≤ 150 ms, and every command's `--help` as fast; measured
 * before on this machine: 560 ms with bare node at 81 ms. A loaded machine slows every process
 * alike (bare node too), so the second check carries the ratio to the quiet machine's 81 ms:
 * 81 ms × (command / bare node) ≤ 150 ms.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ensureBuilt } from './support/build'
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

const TIME = '/usr/bin/time'
const scratch = mkdtempSync(join(tmpdir(), 'hs-cli-start-'))

/**
 * One run: its wall time and CPU time (NaN without /usr/bin/time, whose own start is then in
 * the wall time of every command alike). The command must exit 0: a broken --help is no figure.
 */
function timeOnce (args: string[], env: NodeJS.ProcessEnv): Promise<{ wall: number, cpu: number }> {
  const cpuFile = join(scratch, 'cpu')
  const [file, argv] = existsSync(TIME) ? [TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]] : [process.execPath, args]
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(file, argv, { cwd: ROOT, env, stdio: 'ignore' })
    child.once('error', reject)
    child.once('exit', (code) => {
      const wall = performance.now() - started
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}`))
      const cpu = file === TIME ? readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number).reduce((a, b) => a + b, 0) * 1000 : NaN
      resolve({ wall, cpu })
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
  const walls: number[][] = COMMANDS.map(() => [])
  const cpus: number[][] = COMMANDS.map(() => [])
  for (let round = 0; round < WARMUP_ROUNDS + runs; round++) {
    for (let k = 0; k < COMMANDS.length; k++) {
      const i = (round + k) % COMMANDS.length
      const { wall, cpu } = await timeOnce(COMMANDS[i].args, env)
      if (round < WARMUP_ROUNDS) continue
      walls[i].push(wall)
      cpus[i].push(cpu)
    }
  }
  rmSync(scratch, { recursive: true, force: true })
  const rows = COMMANDS.map((c, i) => ({
    name: c.name,
    median: median(walls[i]),
    min: Math.min(...walls[i]),
    max: Math.max(...walls[i]),
    cpu: median(cpus[i]),
    ratio: median(walls[i].map((t, r) => t / walls[0][r]))
  }))
  printTable(['command', 'wall median', 'min', 'max', 'cpu median', '× bare node (median of pairs)', `at ${BARE_NODE_BEFORE_MS} ms bare node`],
    rows.map((r, i) => [r.name, ms(r.median), ms(r.min), ms(r.max), Number.isNaN(r.cpu) ? '-' : ms(r.cpu), i === 0 ? '-' : r.ratio.toFixed(2), i === 0 ? '-' : ms(r.ratio * BARE_NODE_BEFORE_MS)]))
  console.log(`load average now: ${machine().replace(/.*load average /, '')}`)
  printChecks(rows.slice(1).flatMap((r) => [
    { ok: r.median <= TARGET_MS, text: `${r.name}: median ${ms(r.median)} ≤ ${TARGET_MS} ms on this machine now (bare node here: ${ms(rows[0].median)})` },
    { ok: r.ratio * BARE_NODE_BEFORE_MS <= TARGET_MS, text: `${r.name}: ${r.ratio.toFixed(2)} × bare node = ${ms(r.ratio * BARE_NODE_BEFORE_MS)} at the ${BARE_NODE_BEFORE_MS} ms bare node the target was set against ≤ ${TARGET_MS} ms` }
  ]))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
