// The receipts log's write per receipt, seal index v1 (three entries a receipt) against v2 (two), same run.
/**
 *   npm run bench -- ledger-write [--cores 5000] [--batches 3] [--rounds 2]
 *
 * `ReceiptsLog.appendBatch` as the sealer calls it (a batch built by seal's `buildBatch`, its
 * receipts, the roots left out), on a fresh log of each layout in one Corestore: v2 as a new log
 * writes it, v1 as a log indexed before v2 keeps writing it. Each batch seals every one of N
 * cores one block longer (so every seal is a record high, as for a core that only grows). Only
 * `appendBatch` is timed; building the batches is not. The layouts alternate, round by round, and
 * the lowest figure of each is kept (a busy machine raises a figure, never lowers it).
 * No target of its own: it explains the receipts phase of bench/scale.ts.
 */
import { createHash } from 'node:crypto'
import { openDataDir, ReceiptsLog } from '../src/ledger'
import { LedgerBee } from '../src/ledger/ledger-bee'
import { INDEX_MARKER } from '../src/ledger/seal-index'
import { buildBatch, headToJson, type SealInfo } from '../src/seal'
import { makeWriter, signHead, type Writer } from '../test/seal/helpers'
import { machine, ms, num, printTable } from './support/measure'
import { intFlags } from './support/flags'
import { tempDir } from './support/temp-dir'

const tree = (key: Buffer, length: number): Buffer => createHash('sha256').update(key).update(String(length)).digest()

async function main (): Promise<void> {
  const args = intFlags(process.argv.slice(2), { cores: 5_000, batches: 3, rounds: 2 }, 1, 'npm run bench -- ledger-write [--cores 5000] [--batches 3] [--rounds 2]')
  if (args === null) return
  console.log(`machine: ${machine()}`)
  console.log(`${num(args.batches)} batches of ${num(args.cores)} heads (one per core, each one block longer than the last), per layout and round\n`)
  const writers: Writer[] = Array.from({ length: args.cores }, (_, i) => {
    const seed = Buffer.alloc(32)
    seed.writeUInt32BE(i + 1)
    return makeWriter(seed)
  })
  const tmp = tempDir('hs-bench-ledger-write-')
  const dataDir = await openDataDir(tmp.dir)
  const best = { v1: { wall: Infinity, cpu: Infinity, entries: 0 }, v2: { wall: Infinity, cpu: Infinity, entries: 0 } }
  try {
    for (let round = 0; round < args.rounds; round++) {
      for (const layout of ['v1', 'v2'] as const) {
        const name = `bench-${layout}-${round}`
        if (layout === 'v1') {
          // A log indexed before v2: the v1 marker is there before its first batch.
          const raw = await LedgerBee.open(dataDir.store, name, { appendOnly: true, what: 'v1 log' })
          await raw.write(async (tx) => { await tx.putOnce(INDEX_MARKER, 'v1') })
          await raw.close()
        }
        const log = await ReceiptsLog.open(dataDir.store, name)
        let wall = 0
        let cpu = 0
        const before = log.core.length
        for (let b = 0; b < args.batches; b++) {
          const batch = buildBatch(writers.map((w) => signHead(w, b + 1, 0, tree(w.key, b + 1))))
          const seal: SealInfo = { chainId: 31337, contract: '0x5fbdb2315678afecb367f032d93f642f64180aa3', root: batch.root, leafCount: batch.leafCount, txHash: `0x${'ab'.repeat(32)}`, blockNumber: 10 + b, blockHash: `0x${'cd'.repeat(32)}`, timestamp: 1_764_000_000 + b * 60 }
          const receipts = batch.headsJson.map((_, i) => ({ receipt: batch.receiptFor(i, seal) }))
          const leaves = batch.heads.map((h) => headToJson(h))
          const c = process.cpuUsage()
          const t = performance.now()
          await log.appendBatch({ leaves, seal, receipts, batch })
          wall += performance.now() - t
          const used = process.cpuUsage(c)
          cpu += (used.user + used.system) / 1000
        }
        const receipts = args.batches * args.cores
        const entries = (log.core.length - before) / receipts
        await log.close()
        best[layout] = { wall: Math.min(best[layout].wall, wall / receipts), cpu: Math.min(best[layout].cpu, cpu / receipts), entries }
        console.log(`  round ${round + 1}, ${layout}: ${ms(wall / receipts, 3)} wall, ${ms(cpu / receipts, 3)} CPU per receipt, ${num(entries, 2)} blocks per receipt`)
      }
    }
  } finally {
    await dataDir.close()
    tmp.remove()
  }
  printTable(['layout', 'wall per receipt (lowest)', 'CPU per receipt (lowest)', 'blocks appended per receipt'], (['v1', 'v2'] as const).map((l) =>
    [l, ms(best[l].wall, 3), ms(best[l].cpu, 3), num(best[l].entries, 2)]))
  console.log(`\nv2 against v1: wall ${num(100 * (best.v2.wall / best.v1.wall - 1), 1)}%, CPU ${num(100 * (best.v2.cpu / best.v1.cpu - 1), 1)}%`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exitCode = 1
})
