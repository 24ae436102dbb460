import { expect } from 'chai'
import fc from 'fast-check'
import { latestOf, ReportAccumulator, SignaturePool, type ReceiptEntry, type ReportReceipt, type SignatureVerdict } from '../../src/report'
import { synthetic } from '../support/report-fixtures'

/**
 * The report's fast paths (the leaf hash by js-sha3, inner Merkle nodes memoised per chunk, the
 * seal's head-signature cache, the chain answers shared by a batch) must not let one bad receipt
 * through when it sits among a thousand good ones fed a batch at a time, as the service feeds it.
 */
describe('report: one bad receipt in a large streamed period', function () {
  this.timeout(600_000)
  const CORES = 40
  const ROUNDS = 25
  const t0 = 1_764_000_000
  const { input } = synthetic({ cores: CORES, rounds: ROUNDS, times: { start: t0, interval: 60 } })
  const { receipts, ...rest } = input
  const byRound: ReceiptEntry[][] = Array.from({ length: ROUNDS }, (_, r) => Object.values(receipts).flat().filter((e) => e.receipt.seal.timestamp === t0 + r * 60))

  const flip = (hex: string, at: number): string => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1)
  type Tamper = 'signature' | 'proof' | 'treeHash' | 'root'
  function tampered (e: ReceiptEntry, round: number, how: Tamper, at: number): ReceiptEntry {
    const r = JSON.parse(JSON.stringify(e.receipt)) as typeof e.receipt
    if (how === 'signature') r.head.signature = flip(r.head.signature, at % r.head.signature.length)
    if (how === 'treeHash') r.head.treeHash = flip(r.head.treeHash, at % r.head.treeHash.length)
    if (how === 'proof') r.proof[at % r.proof.length] = flip(r.proof[at % r.proof.length], 2 + (at % 64))
    // Another batch's root (on chain): the proof refuses it before the chain is asked.
    if (how === 'root') r.seal = { ...r.seal, root: byRound[(round + 1 + (at % (ROUNDS - 1))) % ROUNDS][0].receipt.seal.root }
    return { receipt: r }
  }

  type Result = { lines: ReportReceipt[], report: ReturnType<ReportAccumulator['finish']>, bad: ReceiptEntry }
  /** `verdicts`: the signatures checked elsewhere (the pool), as the service hands them in. */
  async function run (round: number, index: number, how: Tamper, at: number, verdicts?: (chunk: ReceiptEntry[]) => Promise<Array<SignatureVerdict | undefined>>): Promise<Result> {
    const acc = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
    const bad = tampered(byRound[round][index], round, how, at)
    let text = ''
    for (let r = 0; r < ROUNDS; r++) {
      const chunk = r === round ? byRound[r].map((e, i) => (i === index ? bad : e)) : byRound[r]
      text += acc.add(chunk, verdicts === undefined ? undefined : await verdicts(chunk))
    }
    return { lines: text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ReportReceipt), report: acc.finish(), bad }
  }

  function onlyBad ({ lines, report, bad }: Result, how: Tamper): void {
    expect(report.summary.receipts).to.deep.equal({ total: CORES * ROUNDS, verified: CORES * ROUNDS - 1, pending: 0, invalid: 1 })
    const invalid = lines.filter((l) => l.status === 'invalid')
    expect(invalid).to.have.length(1)
    expect(invalid[0].receipt).to.deep.equal(bad.receipt)
    expect(invalid[0].reason).to.match(how === 'signature' || how === 'treeHash' ? /^BAD_SIGNATURE/ : /^BAD_PROOF/)
    expect(report.receipts.exceptions).to.have.length(1)
    expect(report.receipts.exceptions[0]).to.include({ key: bad.receipt.head.key, length: bad.receipt.head.length, status: 'invalid' })
  }

  it('every good receipt verifies when nothing is changed', () => {
    const acc = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
    for (const chunk of byRound) acc.add(chunk)
    expect(acc.finish().summary.receipts).to.deep.equal({ total: CORES * ROUNDS, verified: CORES * ROUNDS, pending: 0, invalid: 0 })
  })

  it('a changed signature, tree hash, proof node or root anywhere in the period is invalid, and only it', async () => {
    // Each receipt is checked once beforehand (the good run above): a cache keyed by anything
    // less than every byte the check reads would pass the changed one here.
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: ROUNDS - 2 }), fc.integer({ min: 0, max: CORES - 1 }),
      fc.constantFrom<Tamper>('signature', 'proof', 'treeHash', 'root'), fc.nat(1000),
      async (round, index, how, at) => { onlyBad(await run(round, index, how, at), how) }
    ), { numRuns: 12 })
  })

  it('the same with the signatures checked on worker threads (SignaturePool), as the service feeds a large period', async () => {
    const pool = new SignaturePool(2)
    try {
      const verdicts = async (chunk: ReceiptEntry[]): Promise<Array<SignatureVerdict | undefined>> => await pool.check(chunk.map((e) => e.receipt.head))
      await fc.assert(fc.asyncProperty(
        fc.integer({ min: 1, max: ROUNDS - 2 }), fc.integer({ min: 0, max: CORES - 1 }),
        fc.constantFrom<Tamper>('signature', 'proof', 'treeHash', 'root'), fc.nat(1000),
        async (round, index, how, at) => { onlyBad(await run(round, index, how, at, verdicts), how) }
      ), { numRuns: 6 })
    } finally {
      await pool.close()
    }
  })

  it('a pool that fails answers "not checked", and the builder checks those signatures itself', async () => {
    const pool = new SignaturePool(1)
    await pool.close()
    const heads = byRound[0].map((e) => e.receipt.head)
    expect(await pool.check(heads)).to.deep.equal(heads.map(() => undefined))
    onlyBad(await run(3, 5, 'signature', 7, async (chunk) => await pool.check(chunk.map((e) => e.receipt.head))), 'signature')
  })
})
