// Gas of one HyperSeal seal per batch of N heads against EAS multiTimestamp per item (Hardhat in-process chain).
//
// Run: `npm run bench -- gas` (see scripts/bench.js). Deploys HyperSeal (compiled here) and the real
// EAS + SchemaRegistry from the artifacts the npm package ships, on one chain. For each N it builds
// the real StandardMerkleTree of N random heads (in a worker thread, so progress can be printed and
// the build is bounded), sends one `seal(root, N)` and checks sampled proofs on chain with
// `verifyHead`. EAS is measured for N <= 100 and extrapolated above: a `multiTimestamp` of 1,000
// items needs ~25M gas, more than the 2^24 a transaction may use since Osaka (EIP-7825).
// Exits 1 when a target fails.
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { ContractFactory, type Contract, type ContractTransactionResponse, type InterfaceAbi, type Signer } from 'ethers'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'

const SIZES = [1, 10, 100, 1_000, 10_000, 100_000]
const EAS_MEASURED_SIZES = [1, 10, 100]
const LEAF_TYPES = ['bytes32', 'uint64', 'uint64', 'bytes32']
const SAME_GAS_TOLERANCE = 0.01
const TARGET_N = 1_000
const TARGET_FACTOR = 400
// 100,000 leaves take ~20 s on one core; the limit leaves room for a loaded machine.
const TREE_BUILD_LIMIT_MS = 180_000
const PROGRESS_EVERY_MS = 5_000

type Leaf = [key: string, length: bigint, fork: bigint, treeHash: string]
interface TreeResult { root: string, buildMs: number, samples: Array<{ index: number, leaf: Leaf, proof: string[] }> }

const hex32 = (): string => '0x' + randomBytes(32).toString('hex')
const randomHead = (): Leaf => [hex32(), BigInt(randomBytes(4).readUInt32BE() + 1), 0n, hex32()]
const num = (n: number | bigint, digits = 0): string =>
  Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

// Worker side: N random heads, the real tree, the root and proofs of the first, middle and last leaf.
function buildTreeHere (size: number): TreeResult {
  const leaves = Array.from({ length: size }, randomHead)
  const start = performance.now()
  const tree = StandardMerkleTree.of(leaves, LEAF_TYPES)
  const buildMs = performance.now() - start
  const picks = [...new Set([0, size >> 1, size - 1])]
  return { root: tree.root, buildMs, samples: picks.map((index) => ({ index, leaf: leaves[index], proof: tree.getProof(index) })) }
}

function buildTree (size: number): Promise<TreeResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: size, execArgv: ['-r', 'ts-node/register/transpile-only'] })
    const started = Date.now()
    const tick = setInterval(() => {
      console.log(`  ... still building the ${num(size)}-leaf tree (${Math.round((Date.now() - started) / 1000)} s)`)
    }, PROGRESS_EVERY_MS)
    const limit = setTimeout(() => {
      finish()
      void worker.terminate()
      reject(new Error(`building the ${num(size)}-leaf tree took more than ${TREE_BUILD_LIMIT_MS / 1000} s; run the bench on a less loaded machine`))
    }, TREE_BUILD_LIMIT_MS)
    const finish = (): void => { clearInterval(tick); clearTimeout(limit) }
    worker.once('message', (result: TreeResult) => { finish(); resolve(result) })
    worker.once('error', (err) => { finish(); reject(err) })
    worker.once('exit', (code) => { finish(); if (code !== 0) reject(new Error(`the tree worker exited with code ${code}`)) })
  })
}

const EAS_PACKAGE = '@ethereum-attestation-service/eas-contracts'

function loadEasArtifact (name: string): { abi: InterfaceAbi, bytecode: string } {
  const path = require.resolve(`${EAS_PACKAGE}/artifacts/contracts/${name}.sol/${name}.json`)
  const artifact = JSON.parse(readFileSync(path, 'utf8')) as { abi?: InterfaceAbi, bytecode?: string }
  if (!Array.isArray(artifact.abi) || typeof artifact.bytecode !== 'string' || !/^0x([0-9a-f]{2})+$/i.test(artifact.bytecode)) {
    throw new Error(`${path} is not a compiled contract artifact; reinstall @ethereum-attestation-service/eas-contracts`)
  }
  return { abi: artifact.abi, bytecode: artifact.bytecode }
}

async function deployEas (signer: Signer): Promise<Contract> {
  const registryArtifact = loadEasArtifact('SchemaRegistry')
  const registry = await new ContractFactory(registryArtifact.abi, registryArtifact.bytecode, signer).deploy()
  const easArtifact = loadEasArtifact('EAS')
  const eas = await new ContractFactory(easArtifact.abi, easArtifact.bytecode, signer).deploy(await registry.getAddress())
  await eas.waitForDeployment()
  return eas as Contract
}

async function mined (sent: Promise<ContractTransactionResponse>): Promise<{ gas: bigint, blockNumber: number }> {
  const receipt = await (await sent).wait()
  if (receipt === null || receipt.status !== 1) throw new Error('a benchmark transaction failed')
  return { gas: receipt.gasUsed, blockNumber: receipt.blockNumber }
}

async function main (): Promise<void> {
  if (process.argv.length > 2) {
    console.error('The gas bench takes no arguments: npm run bench -- gas')
    process.exitCode = 2
    return
  }
  const hre = (await import('hardhat')).default
  await hre.run('compile', { quiet: true })
  const [signer] = await hre.ethers.getSigners()
  const hs = await hre.ethers.deployContract('HyperSeal', [signer.address, signer.address, 0])
  const eas = await deployEas(signer)
  const solc = hre.config.solidity.compilers[0]
  console.log(`chain: Hardhat in-process network, hardfork ${hre.config.networks.hardhat.hardfork}`)
  const easVersion = (JSON.parse(readFileSync(require.resolve(`${EAS_PACKAGE}/package.json`), 'utf8')) as { version: string }).version
  console.log(`HyperSeal: solc ${solc.version}, optimizer ${num(solc.settings.optimizer?.runs ?? 0)} runs; EAS ${easVersion} from its npm artifacts`)
  console.log('gas is the whole transaction gasUsed (21,000 intrinsic included) on both sides\n')

  const warmUp = await mined(hs.seal(hex32(), 1))
  console.log(`warm-up: one seal of a random root first (${num(warmUp.gas)} gas): the first seal on a fresh`)
  console.log('contract also moves the sequence slot from 0 to 1, which every later seal does not pay\n')

  const easGas = new Map<number, bigint>()
  for (const n of EAS_MEASURED_SIZES) {
    const data = Array.from({ length: n }, hex32)
    easGas.set(n, (await mined(eas.multiTimestamp(data))).gas)
    if ((await eas.getTimestamp(data[n - 1])) === 0n) throw new Error('EAS did not record a timestamp')
  }
  const g10 = Number(easGas.get(10)), g100 = Number(easGas.get(100))
  const marginal = (g100 - g10) / 90
  console.log(`EAS multiTimestamp measured: ${EAS_MEASURED_SIZES.map((n) => `${n} item(s) ${num(easGas.get(n) ?? 0)} gas`).join(', ')}`)
  console.log(`EAS marginal cost per item (10 -> 100 items): ${num(marginal, 1)} gas\n`)
  const easPerItem = (n: number): number =>
    easGas.has(n) ? Number(easGas.get(n)) / n : (g100 + marginal * (n - 100)) / n

  const rows = []
  let proofsOk = true
  for (const n of SIZES) {
    console.log(`N = ${num(n)}: building the tree, sealing its root`)
    const tree = await buildTree(n)
    const seal = await mined(hs.seal(tree.root, n))
    const block = await hre.ethers.provider.getBlock(seal.blockNumber)
    for (const { index, leaf, proof } of tree.samples) {
      const timestamp = (await hs.verifyHead(tree.root, proof, ...leaf)) as bigint
      if (block === null || timestamp !== BigInt(block.timestamp)) {
        proofsOk = false
        console.log(`  leaf ${index} of the ${num(n)}-leaf tree does not verify on chain`)
      }
    }
    rows.push({ n, buildMs: tree.buildMs, sealGas: seal.gas, perHead: Number(seal.gas) / n, easItem: easPerItem(n) })
  }

  const header = ['heads N', 'tree build', 'seal gas', 'seal gas/head', 'EAS gas/item', 'EAS', 'EAS/HyperSeal per head']
  const table = rows.map((r) => [
    num(r.n), `${num(r.buildMs / 1000, 2)} s`, num(r.sealGas), num(r.perHead, r.n >= 100 ? 2 : 0),
    num(r.easItem, 1), easGas.has(r.n) ? 'measured' : 'extrapolated', `${num(r.easItem / r.perHead, 1)}x`
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join(' | ')
  console.log('\n' + line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
  for (const row of table) console.log(line(row))

  const gases = rows.map((r) => Number(r.sealGas))
  const spread = (Math.max(...gases) - Math.min(...gases)) / Math.min(...gases)
  const atTarget = rows.find((r) => r.n === TARGET_N)
  if (atTarget === undefined) throw new Error(`N = ${TARGET_N} is missing from the sizes`)
  const checks = [
    {
      ok: spread <= SAME_GAS_TOLERANCE,
      text: `seal gas is the same for every N within ${SAME_GAS_TOLERANCE * 100}%: ` +
        `min ${num(Math.min(...gases))}, max ${num(Math.max(...gases))} (spread ${num(spread * 100, 3)}%)`
    },
    {
      ok: atTarget.perHead <= atTarget.easItem / TARGET_FACTOR,
      text: `at N = ${num(TARGET_N)}, seal gas per head ${num(atTarget.perHead, 2)} <= EAS gas per item / ${TARGET_FACTOR} ` +
        `= ${num(atTarget.easItem, 1)} / ${TARGET_FACTOR} = ${num(atTarget.easItem / TARGET_FACTOR, 2)}`
    },
    { ok: proofsOk, text: 'sampled inclusion proofs (first, middle, last leaf) verify on chain for every N' }
  ]
  console.log('\ntargets')
  for (const c of checks) console.log(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`)
  if (checks.some((c) => !c.ok)) process.exitCode = 1
}

if (isMainThread) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exitCode = 1
  })
} else {
  parentPort?.postMessage(buildTreeHere(workerData as number))
}
