/**
 * A worker thread of signature-pool.ts: checks heads' signatures (src/seal verifyHeadSignature,
 * with its own bounded cache of heads checked last) and answers a SignatureVerdict for each, or
 * `undefined` for a head it could not read (the main thread then checks that one itself).
 */
import { parentPort } from 'node:worker_threads'
import { headFromJson, SealError, verifyHeadSignature } from '../seal'
import type { SignatureVerdict } from './builder-receipts'

function verdict (json: unknown): SignatureVerdict | undefined {
  try {
    verifyHeadSignature(headFromJson(json))
    return null
  } catch (err) {
    if (err instanceof SealError && (err.code === 'BAD_MANIFEST' || err.code === 'KEY_MISMATCH' || err.code === 'BAD_SIGNATURE')) return { code: err.code, reason: err.message }
    return undefined
  }
}

parentPort?.on('message', (msg: { id: number, heads: unknown[] }) => {
  parentPort?.postMessage({ id: msg.id, verdicts: msg.heads.map(verdict) })
})
