// Journal bytes on disk after 10 and after 1,000 seal passes of 1,000 heads (target: within 2x).
//
// Run: `npm run bench -- journal [--passes 1000] [--heads 1000]` (see scripts/bench.js). The
// journal opens on a Corestore and an in-flight directory of its own in a temp dir (so what is
// measured is the journal alone: the receipts log, which keeps every receipt by design, lives
// elsewhere), with every head's core on its watch list. Each pass journals one batch of all the
// heads (each a new length, with the roots of that length) and drives it through the seal
// pass's own state machine (`driveToFinal`: prepared → sent → mined → final) against an
// in-memory chain that mines every transaction at once, then closes it as `finalizeBatch` does
// (`markFinal`, `removeInflight`). No chain is needed for the bytes. Bytes on disk are the
// blocks the files occupy (st_blocks × 512, every file under the journal's directories), and
// their apparent size.
import { readdirSync, lstatSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import Corestore from 'corestore'
import type { ChainClient, SealLocation } from '../src/chain'
import { Journal } from '../src/ledger'
import { rootIndexes, treeHashOf, treeNodeToJson, type HeadJson, type TreeNode, type TreeNodeJson } from '../src/seal'
import { driveToFinal, type SealerDeps } from '../src/sealer'
import { SILENT_LOGGER } from '../src/util'
import { machine, num, printChecks, printTable, secs } from './support/measure'
import { intFlags } from './support/flags'
import { tempDir } from './support/temp-dir'

const RATIO_LIMIT = 2

const hex = (bytes: number): string => randomBytes(bytes).toString('hex')

/** Blocks allocated and apparent size of every file under `dir`. */
function bytesOnDisk (dir: string): { allocated: number, apparent: number } {
  let allocated = 0
  let apparent = 0
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const st = lstatSync(path)
    if (st.isDirectory()) {
      const inner = bytesOnDisk(path)
      allocated += inner.allocated
      apparent += inner.apparent
    } else {
      allocated += st.blocks * 512
      apparent += st.size
    }
  }
  return { allocated, apparent }
}

/** A head at `length` whose tree hash is that of made-up roots of that length (as the journal checks). */
function headAt (key: string, length: number, signature: string, manifest: string): { head: HeadJson, roots: TreeNodeJson[] } {
  const roots: TreeNode[] = rootIndexes(length).map((index) => ({ index, size: 64, hash: randomBytes(32) }))
  return { head: { key, length, fork: 0, treeHash: treeHashOf(roots).toString('hex'), signature, manifest }, roots: roots.map(treeNodeToJson) }
}

/** A chain that mines every seal at once in its own block: what the state machine asks of it. */
function instantChain (): ChainClient {
  const sealed = new Map<string, SealLocation>()
  let block = 1
  const located = (txHash: string): SealLocation | undefined => [...sealed.values()].find((s) => s.txHash === txHash)
  const fake = {
    findSeal: async (root: string) => sealed.get(root) ?? null,
    seal: async (root: string, leafCount: number) => {
      const txHash = '0x' + hex(32)
      block++
      sealed.set(root, { timestamp: 1_800_000_000 + block, blockNumber: block, txHash, blockHash: '0x' + hex(32), leafCount })
      return { txHash, nonce: block, fees: { maxFeePerGas: 2n, maxPriorityFeePerGas: 1n } }
    },
    waitMined: async (txHash: string) => {
      const s = located(txHash)!
      return { status: 'success', blockNumber: s.blockNumber, blockHash: s.blockHash, gasUsed: 54_267n }
    },
    waitForConfirmations: async (txHash: string) => {
      const s = located(txHash)!
      return { status: 'success', blockNumber: s.blockNumber, blockHash: s.blockHash, gasUsed: 54_267n }
    }
  }
  return fake as unknown as ChainClient
}

async function main (): Promise<void> {
  const args = intFlags(process.argv.slice(2), { passes: 1000, heads: 1000 }, 10, 'npm run bench -- journal [--passes N ≥ 10] [--heads N ≥ 10]')
  if (args === null) return
  console.log(`machine: ${machine()}`)
  console.log(`${num(args.heads)} heads per pass, ${num(args.passes)} passes; journal alone (own Corestore + in-flight directory)\n`)
  const tmp = tempDir('hs-bench-journal-')
  const store = new Corestore(join(tmp.dir, 'corestore'))
  const journal = await Journal.open(store, join(tmp.dir, 'inflight'))
  try {
    const keys = Array.from({ length: args.heads }, () => hex(32))
    const signature = hex(68)
    const manifest = hex(70)
    for (const key of keys) await journal.addWatch(key, ['127.0.0.1:8481'])
    const deps = { journal, chain: instantChain(), chainId: 31337, contract: '0x' + hex(20), confirmations: 1, logger: SILENT_LOGGER } as unknown as SealerDeps

    const measured: Array<{ passes: number, allocated: number, apparent: number, batchBytes: number, ms: number }> = []
    const afterWatch = bytesOnDisk(tmp.dir)
    let batchBytes = 0
    const started = performance.now()
    for (let pass = 1; pass <= args.passes; pass++) {
      const made = keys.map((key) => headAt(key, pass + 2, signature, manifest))
      const root = '0x' + hex(32)
      const inflight = await journal.prepareBatch({ root, leaves: made.map((m) => m.head), roots: made.map((m) => m.roots) })
      batchBytes = Math.max(batchBytes, bytesOnDisk(join(tmp.dir, 'inflight')).apparent)
      const seal = await driveToFinal(deps, inflight)
      await journal.markFinal(inflight.id, { blockNumber: seal.blockNumber, blockHash: seal.blockHash })
      await journal.removeInflight(inflight.id)
      if (pass === 10 || pass === args.passes) measured.push({ passes: pass, ...bytesOnDisk(tmp.dir), batchBytes, ms: performance.now() - started })
      if (pass % 100 === 0) console.log(`  ${num(pass)} passes, ${secs(performance.now() - started)}`)
    }

    console.log()
    printTable(['after', 'bytes on disk', 'apparent bytes', 'in-flight batch (largest)', 'time'], [
      ['watch list only', num(afterWatch.allocated), num(afterWatch.apparent), '-', '-'],
      ...measured.map((m) => [`${num(m.passes)} passes`, num(m.allocated), num(m.apparent), num(m.batchBytes), secs(m.ms)])
    ])
    const [ten, last] = measured
    const ratio = last.allocated / ten.allocated
    console.log(`\nratio ${num(args.passes)} / 10 passes: ${ratio.toFixed(2)} (bytes on disk)`)
    printChecks([{ ok: ratio <= RATIO_LIMIT, text: `journal bytes after ${num(args.passes)} passes within ${RATIO_LIMIT}x of 10 passes (${num(last.allocated)} vs ${num(ten.allocated)}: ${ratio.toFixed(2)}x)` }])
  } finally {
    await journal.close()
    await store.close()
    tmp.remove()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exitCode = 1
})
