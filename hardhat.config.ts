import { subtask } from 'hardhat/config'
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_TEST_GET_TEST_FILES } from 'hardhat/builtin-tasks/task-names'
import type { HardhatUserConfig } from 'hardhat/types'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import '@nomicfoundation/hardhat-ethers'
import '@nomicfoundation/hardhat-chai-matchers'

// The pragma of contracts/*.sol and the `solc` npm package are pinned to this exact version.
const SOLC_VERSION = '0.8.28'

// Hardhat would download the native compiler list and binary; this machine (and many CI
// sandboxes) cannot. Point it at solc-js from node_modules instead, so a clean clone compiles
// with the network cut off.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  if (args.solcVersion !== SOLC_VERSION) {
    throw new Error(`only solc ${SOLC_VERSION} is available offline (asked for ${args.solcVersion})`)
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require('solc') as { version(): string }
  return {
    compilerPath: require.resolve('solc/soljson.js'),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version().replace(/\.Emscripten\.clang$/, '')
  }
})

// `hardhat test` would load every file under test/, helpers and child-process scripts
// included; only *.test.ts files are tests (files named on the command line run as given).
// `npm test` runs them in parallel (mocha's workers, one file each at a time): the slowest
// files first, so that no long file starts last while the other worker sits idle.
subtask(TASK_TEST_GET_TEST_FILES, async (args: { testFiles: string[] }, _hre, runSuper) => {
  const files = (await runSuper(args)) as string[]
  return args.testFiles.length > 0 ? files : slowestFirst(files.filter((f) => f.endsWith('.test.ts')))
})

/** `files` ordered by test/support/test-times.json (seconds per file, from the reporter); files it does not list keep their order, after the listed ones. */
function slowestFirst (files: string[]): string[] {
  let times: Array<{ file: string, seconds: number }>
  try {
    times = JSON.parse(readFileSync(join(__dirname, 'test', 'support', 'test-times.json'), 'utf8')) as typeof times
  } catch {
    return files
  }
  const seconds = new Map(times.map((t) => [resolve(__dirname, t.file), t.seconds]))
  return [...files].sort((a, b) => (seconds.get(b) ?? -1) - (seconds.get(a) ?? -1))
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: 'cancun'
    }
  },
  paths: {
    sources: './contracts',
    tests: './test',
    cache: './cache',
    artifacts: './artifacts'
  },
  mocha: {
    timeout: 120_000,
    // Used by `hardhat test --parallel` (npm test): two workers on this 2-core machine; most
    // tests wait on child processes, chains and sockets more than they compute.
    jobs: 2,
    reporter: './test/support/reporter.js'
  }
}

export default config
