// Record proofs: size and verify time for a block of a 1,000,000-block core, a bee entry of a 100,000-entry bee, a 10 MB drive file.
/**
 *   npm run bench -- proofs [runs]          (default 50 timed verifications of each proof)
 *
 * A writer in this process holds a core of 1,000,000 blocks of 100 bytes, a Hyperbee of 100,000
 * entries and a Hyperdrive with one 10 MB file, and serves them over TCP on 127.0.0.1; a real
 * service (embedded anvil) watches them (the drive's blobs core with it) and seals them once.
 * Each proof is made by the service (`proveRecord`, what GET /v1/proofs answers) and checked as
 * `hyperseal verify-proof` checks it: the chain's answers through src/evidence `gatherChain`
 * (answers about final seals kept in an EvidenceCache, warmed by one first check), then the pure
 * checker. "verify" is that whole check; "pure" the checker alone on gathered answers.
 *
 * Targets (issue 12): a block proof ≤ 4 KB and ≤ 5 ms to verify (chain answers cached).
 */
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import { createChainReader } from '../src/chain'
import { loadConfig } from '../src/config'
import { EvidenceCache, gatherChain, pin, policyOf } from '../src/evidence'
import { chainPlanOf, checkRecordProof } from '../src/proof'
import type { Receipt } from '../src/seal'
import { HypersealService } from '../src/service'
import { verifyRecordProof } from '../src/structures'
import { machine, median, ms, num, printChecks, printTable, until } from './support/measure'
import { tempDir } from './support/temp-dir'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Hyperdrive = require('hyperdrive')

const BLOCKS = 1_000_000
const BLOCK_BYTES = 100
const ENTRIES = 100_000
const FILE_BYTES = 10 * 1024 * 1024
const TARGET_BYTES = 4096
const TARGET_MS = 5

async function main (): Promise<void> {
  const runs = Number(process.argv[2] ?? 50)
  const tmp = tempDir('hs-bench-proofs-')
  const undo: Array<() => Promise<void>> = []
  try {
    console.log(`machine: ${machine()}`)
    const store = new Corestore(join(tmp.dir, 'writer'))
    undo.push(() => store.close())
    let t = performance.now()
    const core = store.get({ name: 'big' })
    await core.ready()
    for (let i = 0; i < BLOCKS; i += 10_000) await core.append(Array.from({ length: 10_000 }, (_, j) => Buffer.alloc(BLOCK_BYTES, (i + j) % 251)))
    const bee = new Hyperbee(store.get({ name: 'bee' }), { keyEncoding: 'utf-8', valueEncoding: 'utf-8' })
    await bee.ready()
    for (let i = 0; i < ENTRIES; i += 1000) {
      const batch = bee.batch()
      for (let j = i; j < i + 1000; j++) await batch.put(`entry-${String(j).padStart(6, '0')}`, `value of entry ${j}`)
      await batch.flush()
    }
    const drive = new Hyperdrive(store.namespace('drive'))
    await drive.ready()
    const file = Buffer.alloc(FILE_BYTES)
    for (let i = 0; i < FILE_BYTES; i++) file[i] = (i * 7919) & 0xff
    await drive.put('/data/10mb.bin', file)
    console.log(`writer: ${num(BLOCKS)} blocks, ${num(ENTRIES)} bee entries (bee length ${num(bee.core.length)}), a ${num(FILE_BYTES)}-byte drive file in ${num(drive.blobs.core.length)} blocks, made in ${ms(performance.now() - t)}`)

    const sockets = new Set<Socket>()
    const server = createServer((socket) => {
      const s = store.replicate(false)
      sockets.add(socket)
      s.pipe(socket).pipe(s)
      socket.on('error', () => s.destroy())
      s.on('error', () => socket.destroy())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    undo.push(async () => { for (const s of sockets) s.destroy(); await new Promise<void>((resolve) => server.close(() => resolve())) })
    const peer = `127.0.0.1:${(server.address() as AddressInfo).port}`

    const service = await HypersealService.open(loadConfig({ env: { HYPERSEAL_DATA: join(tmp.dir, 'service'), HYPERSEAL_PORT: '0', HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_CHAIN_PORT: '0' } }), { updateTimeoutMs: 30_000 })
    undo.push(() => service.close())
    const keys = { core: core.key.toString('hex'), bee: bee.core.key.toString('hex'), drive: drive.key.toString('hex'), blobs: drive.blobs.core.key.toString('hex') }
    await service.watchCores([keys.core, keys.bee, keys.drive].map((key) => ({ key, peers: [peer] })))
    const lengths = new Map([[keys.core, BLOCKS], [keys.bee, bee.core.length], [keys.drive, drive.core.length], [keys.blobs, drive.blobs.core.length]])
    await until(() => [...lengths].every(([key, length]) => service.watcher.watched().find((c) => c.key === key)?.length === length), 'the service\'s replicas')
    await service.sealNow()

    const reader = await createChainReader({ rpcUrl: service.rpcUrl! })
    undo.push(async () => reader.close())
    const trust = pin(service.trust().root)
    const cache = new EvidenceCache()
    const cases = [
      { name: `block 765,432 of a ${num(BLOCKS)}-block core`, key: keys.core, question: { index: 765_432 } },
      { name: `entry of a ${num(ENTRIES)}-entry Hyperbee`, key: keys.bee, question: { entry: Buffer.from('entry-054321') } },
      { name: `10 MB file of a Hyperdrive (${num(drive.blobs.core.length)} blob blocks)`, key: keys.drive, question: { file: '/data/10mb.bin' } }
    ]
    const rows: string[][] = []
    const results: Array<{ bytes: number, verify: number }> = []
    for (const c of cases) {
      t = performance.now()
      const doc = await service.proveRecord(c.key, c.question)
      const made = performance.now() - t
      const text = JSON.stringify(doc)
      const first = await verifyRecordProof(JSON.parse(text), { chain: reader, trust, cache })
      if (!first.ok) throw new Error(`the ${c.name} proof was refused: ${first.reason}`)
      const verify: number[] = []
      const pure: number[] = []
      const receipts = (doc.parts as Array<{ receipt: Receipt }>).map((p) => p.receipt)
      const policy = policyOf(trust, receipts)
      for (let i = 0; i < runs; i++) {
        const parsed = JSON.parse(text) as unknown
        let s = performance.now()
        const r = await verifyRecordProof(parsed, { chain: reader, trust, cache })
        verify.push(performance.now() - s)
        if (!r.ok) throw new Error('refused on a later run')
        const chain = await gatherChain(reader, chainPlanOf(parsed), policy, cache)
        s = performance.now()
        checkRecordProof(parsed, chain, policy)
        pure.push(performance.now() - s)
      }
      const nodes = (doc.parts as Array<{ nodes: unknown[], blocks: unknown[] }>).map((p) => `${p.blocks.length} blocks, ${p.nodes.length} nodes`).join(' + ')
      rows.push([c.name, num(Buffer.byteLength(text)), nodes, ms(made), ms(median(verify), 2), ms(median(pure), 2)])
      results.push({ bytes: Buffer.byteLength(text), verify: median(verify) })
    }
    console.log(`\n${runs} timed verifications of each proof (medians), after one that warmed the EvidenceCache\n`)
    printTable(['proof', 'bytes (JSON)', 'carries', 'made by the service', 'verify (cached chain)', 'pure check'], rows)
    printChecks([
      { ok: results[0].bytes <= TARGET_BYTES, text: `block proof ${num(results[0].bytes)} bytes ≤ ${num(TARGET_BYTES)}` },
      { ok: results[0].verify <= TARGET_MS, text: `block proof verified in ${ms(results[0].verify, 2)} ≤ ${TARGET_MS} ms (chain answers cached)` }
    ])
  } finally {
    for (const step of undo.reverse()) await step().catch(() => {})
    tmp.remove()
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
