import { subtask } from 'hardhat/config'
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from 'hardhat/builtin-tasks/task-names'
import type { HardhatUserConfig } from 'hardhat/types'
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
    reporter: './test/support/reporter.js',
    // TypeScript test files under test/ (not the helpers in test/support).
    spec: ['test/**/*.test.ts']
  } as Record<string, unknown>
}

export default config
