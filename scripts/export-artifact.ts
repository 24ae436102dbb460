/**
 * Copies the parts of the compiled HyperSeal artifact the service needs at runtime
 * (`contractName`, `abi`, `bytecode`, `deployedBytecode`) into src/chain/artifact/HyperSeal.json, which is
 * committed: the service deploys and calls the contract without Hardhat installed.
 * test/chain/artifact.test.ts fails when the committed copy differs from a fresh compile.
 *
 * Run: npx hardhat compile && npx ts-node scripts/export-artifact.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(__dirname, '..')
export const COMPILED = join(ROOT, 'artifacts', 'contracts', 'HyperSeal.sol', 'HyperSeal.json')
export const EXPORTED = join(ROOT, 'src', 'chain', 'artifact', 'HyperSeal.json')

export interface RuntimeArtifact {
  contractName: string
  abi: unknown[]
  bytecode: string
  /** The runtime code: its keccak256 is the code hash a trust root pins. */
  deployedBytecode: string
}

/** The runtime subset of a Hardhat artifact, in a stable key order. */
export function pickRuntimeArtifact (compiled: RuntimeArtifact): RuntimeArtifact {
  return { contractName: compiled.contractName, abi: compiled.abi, bytecode: compiled.bytecode, deployedBytecode: compiled.deployedBytecode }
}

export function renderArtifact (artifact: RuntimeArtifact): string {
  return JSON.stringify(artifact, null, 2) + '\n'
}

function main (): void {
  let compiled: RuntimeArtifact
  try {
    compiled = JSON.parse(readFileSync(COMPILED, 'utf8')) as RuntimeArtifact
  } catch (err) {
    console.error(`Cannot read ${COMPILED}: run \`npx hardhat compile\` first. (${(err as Error).message})`)
    process.exit(1)
  }
  writeFileSync(EXPORTED, renderArtifact(pickRuntimeArtifact(compiled)))
  console.log(`Wrote ${EXPORTED}`)
}

if (require.main === module) main()
