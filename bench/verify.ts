/**
 * How long one verdict takes when a core has many receipts: `verify` picks the deciding receipt
 * among all of them and checks only that one in full (one Ed25519 check, one Merkle proof).
 *   npm run bench -- verify
 * Target: a verdict among 1,000 receipts in well under 10 ms (median of 15 runs).
 */
import { performance } from 'node:perf_hooks'
import type { Receipt } from '../src/seal'
import { verify, type VerifyInput } from '../src/verify'
import { WRITERS } from '../test/seal/helpers'
import { TRUST, TestChain, headOf, line, replicaOf } from '../test/verify/helpers'

function measure (count: number): { median: number, best: number } {
  const writer = WRITERS[4]
  const history = line('bench', 0, { synthetic: true })
  const chain = new TestChain()
  const receipts: Receipt[] = []
  for (let length = 1; length <= count; length++) receipts.push(...chain.seal([headOf(writer, history, length)], { filler: 0 }))
  receipts.reverse() // the verifier must not rely on order
  const input: VerifyInput = { key: writer.key.toString('hex'), version: Math.ceil(count / 2), receipts, replica: replicaOf(history, count), chain: chain.view(), trust: TRUST }
  const times: number[] = []
  for (let i = 0; i < 15; i++) {
    const start = performance.now()
    const verdict = verify(input)
    times.push(performance.now() - start)
    if (verdict.status !== 'verified') throw new Error(`expected verified, got ${verdict.status}: ${verdict.reason}`)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)], best: times[0] }
}

let failed = false
for (const count of [100, 1_000, 5_000]) {
  const { median, best } = measure(count)
  console.log(`verify among ${count.toLocaleString('en-US').padStart(5)} receipts: median ${median.toFixed(2)} ms, best ${best.toFixed(2)} ms`)
  if (count === 1_000 && median >= 10) failed = true
}
console.log(failed ? 'FAIL  median verdict among 1,000 receipts >= 10 ms' : 'PASS  median verdict among 1,000 receipts < 10 ms')
process.exitCode = failed ? 1 : 0
