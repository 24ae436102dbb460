// Fills a core's seal history fast: one-head batches sealed on the embedded anvil in JSON-RPC batches, written to the ledger through its own door.
import type Corestore from 'corestore'
import { performance } from 'node:perf_hooks'
import { Transaction, Wallet } from 'ethers'
import { HYPERSEAL_INTERFACE } from '../../src/chain'
import { captureCoreHead } from '../../src/heads'
import { buildBatch, treeNodeToJson, type SealInfo } from '../../src/seal'
import type { HypersealService } from '../../src/service'
import { ms, num } from './measure'

/** anvil's first dev account: the embedded chain's sealer (src/chain/embedded.ts). */
const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

async function rpc<T> (url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
  const body = await res.json() as { result?: T, error?: { message: string } }
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`)
  return body.result as T
}

/** Many calls of one method in JSON-RPC batches of `size`, answers in order. */
async function rpcMany<T> (url: string, method: string, params: unknown[][], size = 250): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < params.length; i += size) {
    const calls = params.slice(i, i + size).map((p, j) => ({ jsonrpc: '2.0', id: i + j, method, params: p }))
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(calls) })
    const answers = await res.json() as Array<{ id: number, result?: T, error?: { message: string } }>
    answers.sort((a, b) => a.id - b.id)
    for (const a of answers) {
      if (a.error !== undefined) throw new Error(`${method}: ${a.error.message}`)
      out.push(a.result as T)
    }
  }
  return out
}

/**
 * Seals every length 1..n of `core` in its own one-head batch, as the sealer would but without
 * its pass: the transactions go to the anvil with automine off (about 500 to a block), then each
 * batch and receipt is written to the service's ledger through `appendBatch`, the sealer's own
 * door, which checks every signature, proof and root again.
 */
export async function sealEveryLength (service: HypersealService, core: Awaited<ReturnType<Corestore['get']>>, n: number): Promise<void> {
  const tStart = performance.now()
  const heads = []
  while (core.length < n) {
    await core.append(Buffer.from(`block ${core.length}`))
    heads.push(await captureCoreHead(core, { updateTimeoutMs: 1000, waitForPeers: false }))
  }
  const t0 = performance.now()
  const batches = heads.map((h) => buildBatch([h.head]))
  const url = service.rpcUrl!
  const chain = service.trust().root.chains[0]
  const chainId = chain.chainId
  const contract = chain.contracts[0].address
  const wallet = new Wallet(DEV_KEY)
  const nonce = Number(BigInt(await rpc<string>(url, 'eth_getTransactionCount', [wallet.address, 'pending'])))
  const gasPrice = BigInt(await rpc<string>(url, 'eth_gasPrice')) * 2n
  await rpc(url, 'evm_setAutomine', [false])
  let hashes: string[] = []
  try {
    const signed = await Promise.all(batches.map(async (b, i) => await wallet.signTransaction(Transaction.from({
      type: 0, chainId, nonce: nonce + i, gasPrice, gasLimit: 120_000, to: contract, data: HYPERSEAL_INTERFACE.encodeFunctionData('seal', [b.root, 1])
    }))))
    hashes = await rpcMany<string>(url, 'eth_sendRawTransaction', signed.map((raw) => [raw]))
    for (let left = hashes.length; left > 0;) {
      await rpc(url, 'evm_mine')
      left = Number(BigInt((await rpc<{ pending: string }>(url, 'txpool_status')).pending))
    }
  } finally {
    await rpc(url, 'evm_setAutomine', [true])
  }
  const t1 = performance.now()
  const mined = await rpcMany<{ status: string, blockHash: string, blockNumber: string }>(url, 'eth_getTransactionReceipt', hashes.map((h) => [h]))
  const blockHashes = [...new Set(mined.map((r) => r.blockHash))]
  const blockList = await rpcMany<{ timestamp: string }>(url, 'eth_getBlockByHash', blockHashes.map((h) => [h, false]))
  const blocks = new Map(blockHashes.map((h, i) => [h, blockList[i]]))
  // Eight writes in flight: each is its own locked append (in call order) and durable flush,
  // and the flushes overlap. The seqs must still follow the chain's order.
  const inFlight = new Set<Promise<unknown>>()
  let firstSeq = -1
  for (let i = 0; i < batches.length; i++) {
    const r = mined[i]
    if (r.status !== '0x1') throw new Error(`seal transaction ${hashes[i]} failed`)
    const block = blocks.get(r.blockHash)!
    const seal: SealInfo = { chainId, contract, root: batches[i].root, leafCount: 1, txHash: hashes[i], blockNumber: Number(BigInt(r.blockNumber)), blockHash: r.blockHash, timestamp: Number(BigInt(block.timestamp)) }
    const receipt = batches[i].receiptFor(0, seal)
    const write = service.log.appendBatch({ leaves: [receipt.head], seal, receipts: [{ receipt, roots: heads[i].roots.map(treeNodeToJson) }], batch: batches[i] }).then(({ seq }) => {
      if (firstSeq === -1) firstSeq = seq - i
      if (seq !== firstSeq + i) throw new Error(`batch ${i} was written as seq ${seq}, out of order`)
    })
    inFlight.add(write)
    void write.finally(() => inFlight.delete(write)).catch(() => {})
    if (inFlight.size >= 8) await Promise.race(inFlight)
    if ((i + 1) % 2000 === 0) console.log(`  ${num(i + 1)} of ${num(batches.length)} batches written`)
  }
  await Promise.all(inFlight)
  console.log(`fill: heads ${ms(t0 - tStart)}, chain ${ms(t1 - t0)}, receipts and ledger ${ms(performance.now() - t1)}`)
  // Confirmations past the last seal, whatever the trust root asks of an embedded chain.
  await rpc(url, 'anvil_mine', ['0x20'])
}

