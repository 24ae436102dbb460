import { expect } from 'chai'
import { resolve } from 'node:path'
import { runCleanups } from '../heads/helpers'
import { TS_LOADER } from '../support/ts-loader'
import { runNode } from './helpers'

const ROOT = resolve(__dirname, '../..')

/** The libraries a command loads when it runs, never to declare itself or print its help. */
const HEAVY = ['fastify', 'corestore', 'hypercore', 'hyperbee', 'hyperswarm', 'hyperdht', 'ethers', 'pdfkit', 'pino', 'prom-client', 'node-cron', 'cli-progress', '@openzeppelin/merkle-tree', 'sodium-native']

const COMMANDS = ['start', 'watch', 'unwatch', 'seal', 'anchor', 'status', 'report', 'receipts', 'verify', 'prove', 'verify-proof', 'trust', 'deploy', 'demo']
const SUBCOMMANDS = [['report', 'verify'], ['receipts', 'export'], ['trust', 'export'], ['trust', 'show']]

// In one child process from source: the program prints the help of every command (and of
// `report verify`, `receipts export`), then lists every module it loaded. The figures are bench/cli-start.ts's;
// this asserts the cause of a slow start: a heavy library loaded before a command runs.
const CHILD = `
require(${JSON.stringify(TS_LOADER)})
const { buildProgram } = require(${JSON.stringify(resolve(ROOT, 'src/cli/main.ts'))})
const { runProgram } = require(${JSON.stringify(resolve(ROOT, 'src/cli/exit.ts'))})
;(async () => {
  const codes = []
  for (const args of ${JSON.stringify([[], ...COMMANDS.map((c) => [c]), ...SUBCOMMANDS])}) {
    codes.push(await runProgram(buildProgram(), ['node', 'hyperseal', ...args, '--help']))
  }
  process.stderr.write(JSON.stringify({ codes, modules: Object.keys(require.cache) }))
})()
`

describe('hyperseal start-up: declaring the commands and printing their help loads no heavy module', function () {
  this.timeout(120_000)
  after(runCleanups)

  it('prints every command\'s help (exit 0) with only commander loaded from node_modules', async () => {
    const run = await runNode(['-e', CHILD], { cwd: ROOT })
    expect(run.code, run.stderr).to.equal(0)
    const stdout = run.stdout
    const { codes, modules } = JSON.parse(run.stderr) as { codes: number[], modules: string[] }
    expect(codes).to.deep.equal(new Array(1 + COMMANDS.length + SUBCOMMANDS.length).fill(0))
    for (const cmd of COMMANDS) expect(stdout).to.include(`Usage: hyperseal ${cmd} `)
    for (const sub of SUBCOMMANDS) expect(stdout).to.include(`Usage: hyperseal ${sub.join(' ')} `)
    // The TypeScript loader (esbuild) is how the test runs from source; the CLI's dist/ has none.
    const libraries = new Set(modules.filter((m) => m.includes('/node_modules/')).map((m) => {
      const after = m.slice(m.lastIndexOf('/node_modules/') + '/node_modules/'.length).split('/')
      return after[0].startsWith('@') ? `${after[0]}/${after[1]}` : after[0]
    }))
    for (const lib of HEAVY) expect([...libraries], lib).to.not.include(lib)
    const sources = modules.filter((m) => m.startsWith(resolve(ROOT, 'src') + '/')).map((m) => m.slice(ROOT.length + 1))
    // Only the CLI's own declarations, the small shared error base and the version (package.json).
    expect(sources.filter((s) => !s.startsWith('src/cli/') && !s.startsWith('src/util/') && s !== 'src/version/index.ts')).to.deep.equal([])
    expect(sources).to.not.include.members(['src/cli/http-client.ts', 'src/cli/verify-independent.ts', 'src/cli/trust-pin.ts', 'src/cli/trust-run.ts', 'src/cli/deploy-run.ts', 'src/cli/demo-writer.ts'])
  })
})
