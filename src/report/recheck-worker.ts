/**
 * A worker thread of recheck-pool.ts: re-checks receipts in full (recheckReceipt, the builder's
 * own function: form, the writer's signature, leaf hash and proof fold to the batch root, the
 * chain's answers) from the texts the builder wrote, and answers each one's RecheckResult, or
 * `null` when the check threw (a missing chain answer): the builder then checks that one itself
 * and reports what it throws. The texts come as UTF-8 bytes one after another (`ends`: where each
 * ends), as the chunk holds them. Every head's signature is checked without the memory of verified
 * heads (src/seal verifyNewHeadSignature: a receipt's head is new here, and fingerprinting it
 * for that memory cost more than a tenth of a re-check); the decoded manifest of a core is
 * shared by its heads (src/seal, by the manifest's exact bytes); inner Merkle nodes and chain
 * answers are shared by the receipts of one message. Keccak is hash-wasm's once loaded.
 */
import { parentPort } from 'node:worker_threads'
import { loadFastKeccak, verifyNewHeadSignature } from '../seal'
import type { TrustPolicy } from '../trust'
import type { ChainEvidence } from '../verify'
import { startOf, type RecheckResult } from './builder-chunk'
import { recheckReceipt, type RecheckOptions } from './builder-receipts'

export interface RecheckRequest { id: number, bytes: Uint8Array, ends: number[], chain: ChainEvidence, trust: TrustPolicy }
export interface RecheckAnswer { id: number, checks: Array<RecheckResult | null> }

function recheck (msg: RecheckRequest): RecheckAnswer {
  const options: RecheckOptions = { memo: new Map(), chainMemo: new Map(), verifySignature: verifyNewHeadSignature }
  const bytes = Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength)
  return {
    id: msg.id,
    checks: msg.ends.map((end, i) => {
      try {
        return recheckReceipt(JSON.parse(bytes.toString('utf8', startOf(msg.ends, i), end)), msg.chain, msg.trust, options)
      } catch {
        return null
      }
    })
  }
}

// Messages wait for the WebAssembly Keccak (three hashes a receipt; it never fails: without
// WebAssembly, js-sha3 answers), in the order they came.
const ready = loadFastKeccak()
parentPort?.on('message', (msg: RecheckRequest) => {
  void ready.then(() => { parentPort?.postMessage(recheck(msg)) })
})
