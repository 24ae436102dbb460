// CPU of re-checking one receipt (the audit report's worker path) on the main thread, against issue 14's 170 µs target.
/**
 *   npm run bench -- recheck [cores=500] [rounds=20]
 * `cores` real Ed25519 writers, each sealed once per round (a real StandardMerkleTree batch per
 * round, test/support leanRound, as bench/report.ts builds it: no signature is checked while generating, so this
 * process's signature caches start empty, as a worker's do). Each batch's receipts are then
 * re-checked from their JSON text exactly as src/report/recheck-worker.ts does (one message per
 * batch: a fresh fold memo and chain memo), on this thread. CPU time (process.cpuUsage), not wall
 * time, so the figure holds on a loaded machine. Target: <= 170 µs CPU a receipt (100,000
 * receipts in <= 10 s on 2 cores, render included).
 */
import { loadavg } from 'node:os'
import sodium from 'sodium-native'
import { recheckReceipt, type RecheckOptions } from '../src/report'
import { decodeMultiSignature, fastKeccakLoaded, headToJson, loadFastKeccak, manifestOfKey, parseReceipt, treeSignable, verifyNewHeadSignature } from '../src/seal'
import { SEALED_TOPIC, type ChainEvidence } from '../src/verify'
import { CONTRACT, leanRound, synthetic } from '../test/support/report-fixtures'

const TARGET_US = 170
const load = (): string => loadavg().map((n) => n.toFixed(2)).join(', ')
const cpuMs = (since: NodeJS.CpuUsage): number => { const c = process.cpuUsage(since); return (c.user + c.system) / 1000 }

async function main (): Promise<void> {
  // As a worker does before its first message (src/report/recheck-worker.ts); JS_KECCAK=1 measures without it.
  if (process.env.JS_KECCAK !== '1') await loadFastKeccak()
  const cores = Number(process.argv[2] ?? 500)
  const rounds = Number(process.argv[3] ?? 20)
  const total = cores * rounds
  const t0 = 1_764_000_000
  const interval = 60
  const { input, writers } = synthetic({ cores, rounds: 0, times: { start: t0, interval } })
  const chain: ChainEvidence = input.chain
  const batches: string[][] = []
  for (let r = 0; r < rounds; r++) {
    const { heads, root, seal, proofOf } = leanRound(writers, r, t0 + r * interval)
    const blockNumber = seal.blockNumber
    ;(chain.seals as Record<string, unknown>)[root] = { timestamp: seal.timestamp, blockNumber }
    ;(chain.blocks as Record<number, unknown>)[blockNumber] = { number: blockNumber, hash: seal.blockHash, timestamp: seal.timestamp }
    ;(chain.txs as Record<string, unknown>)[seal.txHash] = {
      hash: seal.txHash, to: CONTRACT, status: 1, blockNumber, blockHash: seal.blockHash,
      logs: [{ address: CONTRACT, topics: [SEALED_TOPIC, root, '0x' + (r + 1).toString(16).padStart(64, '0')], data: '0x' + seal.leafCount.toString(16).padStart(64, '0') + '0'.repeat(64) }]
    }
    ;(chain as { headBlock: number }).headBlock = blockNumber + 5
    batches.push(heads.map((h, i) => JSON.stringify({ v: 1, head: headToJson(h), seal, proof: proofOf(i) })))
  }
  console.log(`== ${cores} cores x ${rounds} rounds = ${total.toLocaleString('en-US')} receipts, re-checked on the main thread`)
  console.log(`load average at start: ${load()} (1, 5, 15 min; this machine has 2 cores); Keccak: ${fastKeccakLoaded() ? 'WebAssembly (hash-wasm)' : 'js-sha3'}`)

  // Batch by batch, each part timed right beside the whole re-check of the same batch, so a load
  // that drifts during the run weighs on all of them alike: what JSON.parse and the strict
  // receipt parse cost, the floor one Ed25519 verification sets (libsodium over the 112-byte
  // signable), and the whole re-check as the worker runs it (no head seen before).
  let jsonMs = 0
  let parseMs = 0
  let edMs = 0
  let allMs = 0
  let verified = 0
  let floorVerified = 0
  for (const texts of batches) {
    let c = process.cpuUsage()
    const parsed = texts.map((t) => JSON.parse(t) as { head: { key: string, treeHash: string, length: number, fork: number, signature: string, manifest: string } })
    jsonMs += cpuMs(c)
    c = process.cpuUsage()
    for (const json of parsed) parseReceipt(json)
    parseMs += cpuMs(c)
    // The floor: libsodium's verification alone, over the real signature, signable and signer key
    // (made before timing; every one must verify, or the floor would time early refusals).
    const floor = parsed.map(({ head: h }) => {
      const key = Buffer.from(h.key, 'hex')
      const manifest = manifestOfKey(key, Buffer.from(h.manifest, 'hex'))
      const { proofs } = decodeMultiSignature(Buffer.from(h.signature, 'hex'), 1)
      return { sig: proofs[0].signature, signable: treeSignable(key, Buffer.from(h.treeHash, 'hex'), h.length, h.fork), publicKey: manifest.signers[0].publicKey }
    })
    c = process.cpuUsage()
    for (const f of floor) if (sodium.crypto_sign_verify_detached(f.sig, f.signable, f.publicKey)) floorVerified++
    edMs += cpuMs(c)
    c = process.cpuUsage()
    const options: RecheckOptions = { memo: new Map(), chainMemo: new Map(), verifySignature: verifyNewHeadSignature }
    for (const text of texts) {
      if (recheckReceipt(JSON.parse(text), chain, input.trust, options).status === 'verified') verified++
    }
    allMs += cpuMs(c)
  }
  const us = (ms: number): string => `${((ms * 1000) / total).toFixed(0)} µs`
  const row = (what: string, value: string): void => console.log(`${what.padEnd(48)} ${value.padStart(8)} CPU a receipt`)
  row('re-check in full (JSON.parse to verdict)', us(allMs))
  row('  of which JSON.parse of the receipt text', us(jsonMs))
  row('  of which strict receipt parse (parseReceipt)', us(parseMs))
  row('  of which one Ed25519 verification (floor)', us(edMs))
  // Load slows every part alike; the ratio to the Ed25519 floor compares runs under different loads.
  console.log(`${'re-check / Ed25519 floor'.padEnd(48)} ${(allMs / edMs).toFixed(2).padStart(8)} (load-independent comparison)`)
  console.log(`load average at end: ${load()}`)
  if (verified !== total) throw new Error(`only ${verified} of ${total} synthetic receipts verified`)
  if (floorVerified !== total) throw new Error(`only ${floorVerified} of ${total} floor signatures verified`)
  const ok = (allMs * 1000) / total <= TARGET_US
  console.log(`${ok ? 'PASS' : 'FAIL'} ${us(allMs)} CPU a receipt (target <= ${TARGET_US} µs: 100,000 in <= 10 s on 2 cores with render)`)
  if (!ok) process.exitCode = 1
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1 })
