'use strict'
// Benchmark runner. `node scripts/bench.js <name> [args...]` (or `npm run bench -- <name> [args...]`)
// runs bench/<name>.ts; with no name it lists the benches and the first comment line of each.
//
// How a bench runs: as a child `node -r ./test/support/register.js bench/<name>.ts [args...]` in
// the project root, and this runner exits with the bench's exit code. That loader transpiles with
// esbuild, as the tests' child processes do: ts-node would keep the TypeScript compiler (~190 MB,
// ~2 s of CPU) in every bench process, which a built service never carries, and the memory
// figures would measure it.
// - Not `npx hardhat run`: it passes no arguments to the script. A bench that needs the Hardhat
//   runtime does `await import('hardhat')` itself: Hardhat then loads hardhat.config.ts (it
//   registers ts-node for that itself), and its default network is the in-process one. Such a bench
//   runs `hre.run('compile')` first, as `hardhat run` would.
// - Transpile only: type errors are `npm run typecheck`'s job; checking them here costs seconds.
// - Children of a bench inherit the loader through process.execArgv; a worker thread of TypeScript
//   names its own (bench/gas.ts uses ts-node; bench/report.ts bundles its worker with esbuild).
const { spawn } = require('node:child_process')
const { readdirSync, readFileSync } = require('node:fs')
const { join } = require('node:path')

const ROOT = join(__dirname, '..')
const BENCH_DIR = join(ROOT, 'bench')

function benches () {
  return readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => {
      const first = readFileSync(join(BENCH_DIR, file), 'utf8').split('\n')[0]
      return { name: file.slice(0, -3), about: first.startsWith('//') ? first.replace(/^\/\/\s*/, '') : '' }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

function list (out) {
  out.write('usage: npm run bench -- <name> [args...]\n\nbenches:\n')
  for (const b of benches()) out.write(`  ${b.name.padEnd(12)} ${b.about}\n`)
}

function main () {
  const [name, ...args] = process.argv.slice(2)
  if (name === undefined || name === '--help' || name === '-h') {
    list(process.stdout)
    return
  }
  if (!benches().some((b) => b.name === name)) {
    process.stderr.write(`There is no bench named "${name}"; pick one of the list below.\n\n`)
    list(process.stderr)
    process.exitCode = 2
    return
  }
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test', 'support', 'register.js'), join(BENCH_DIR, `${name}.ts`), ...args], {
    cwd: ROOT,
    stdio: 'inherit'
  })
  child.on('exit', (code, signal) => {
    if (signal !== null) process.stderr.write(`bench ${name} was stopped by ${signal}\n`)
    process.exitCode = code ?? 1
  })
}

main()
