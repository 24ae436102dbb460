import { expect } from 'chai'
import fc from 'fast-check'
import { latestOf, RecheckPool, recheckReceipt, ReportAccumulator, type ReceiptChunk, type ReceiptEntry, type RecheckResult, type ReportReceipt } from '../../src/report'
import { chainFor } from '../../src/report/builder-chunk'
import { VerifyError } from '../../src/verify'
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
  type Tamper = 'signature' | 'proof' | 'treeHash' | 'root' | 'head' | 'tx'
  const TAMPERS: Tamper[] = ['signature', 'proof', 'treeHash', 'root', 'head', 'tx']
  const other = (round: number, at: number): number => (round + 1 + (at % (ROUNDS - 1))) % ROUNDS
  function tampered (e: ReceiptEntry, round: number, how: Tamper, at: number): ReceiptEntry {
    const r = JSON.parse(JSON.stringify(e.receipt)) as typeof e.receipt
    if (how === 'signature') r.head.signature = flip(r.head.signature, at % r.head.signature.length)
    if (how === 'treeHash') r.head.treeHash = flip(r.head.treeHash, at % r.head.treeHash.length)
    if (how === 'proof') r.proof[at % r.proof.length] = flip(r.proof[at % r.proof.length], 2 + (at % 64))
    // Another batch's root (on chain): the proof refuses it before the chain is asked.
    if (how === 'root') r.seal = { ...r.seal, root: byRound[other(round, at)][0].receipt.seal.root }
    // The same core's head of another round, validly signed: its leaf hash is not in this batch.
    if (how === 'head') r.head = { ...byRound[other(round, at)].find((o) => o.receipt.head.key === r.head.key)!.receipt.head }
    // Another batch's transaction (on chain, in another block): only the chain check refuses it.
    if (how === 'tx') r.seal = { ...r.seal, txHash: byRound[other(round, at)][0].receipt.seal.txHash }
    return { receipt: r }
  }

  type Result = { lines: ReportReceipt[], report: ReturnType<ReportAccumulator['finish']>, bad: ReceiptEntry }
  /** `recheck`: the chunk re-checked elsewhere (the pool), as the service hands it in. */
  async function run (round: number, index: number, how: Tamper, at: number, recheck?: (chunk: ReceiptChunk) => Promise<Array<RecheckResult | undefined>>): Promise<Result> {
    const acc = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
    const bad = tampered(byRound[round][index], round, how, at)
    let text = ''
    for (let r = 0; r < ROUNDS; r++) {
      const chunk = r === round ? byRound[r].map((e, i) => (i === index ? bad : e)) : byRound[r]
      const prepared = acc.prepare(chunk)
      text += acc.add(prepared, recheck === undefined ? undefined : await recheck(prepared)).toString('utf8')
    }
    return { lines: text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ReportReceipt), report: acc.finish(), bad }
  }

  function onlyBad ({ lines, report, bad }: Result, how: Tamper): void {
    expect(report.summary.receipts).to.deep.equal({ total: CORES * ROUNDS, verified: CORES * ROUNDS - 1, pending: 0, invalid: 1 })
    const invalid = lines.filter((l) => l.status === 'invalid')
    expect(invalid).to.have.length(1)
    expect(invalid[0].receipt).to.deep.equal(bad.receipt)
    expect(invalid[0].reason).to.match(how === 'signature' || how === 'treeHash' ? /^BAD_SIGNATURE/ : how === 'tx' ? /^TX_MISMATCH/ : /^BAD_PROOF/)
    expect(report.receipts.exceptions).to.have.length(1)
    expect(report.receipts.exceptions[0]).to.include({ key: bad.receipt.head.key, length: bad.receipt.head.length, status: 'invalid' })
  }

  it('every good receipt verifies when nothing is changed', () => {
    const acc = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
    for (const chunk of byRound) acc.add(chunk)
    expect(acc.finish().summary.receipts).to.deep.equal({ total: CORES * ROUNDS, verified: CORES * ROUNDS, pending: 0, invalid: 0 })
  })

  it('a changed signature, tree hash, proof node, root, head (leaf hash) or transaction anywhere in the period is invalid, and only it', async () => {
    // Each receipt is checked once beforehand (the good run above): a cache keyed by anything
    // less than every byte the check reads would pass the changed one here.
    for (const how of TAMPERS) {
      await fc.assert(fc.asyncProperty(
        fc.integer({ min: 1, max: ROUNDS - 2 }), fc.integer({ min: 0, max: CORES - 1 }), fc.nat(1000),
        async (round, index, at) => { onlyBad(await run(round, index, how, at), how) }
      ), { numRuns: 3 })
    }
  })

  it('the same with every receipt re-checked on worker threads (RecheckPool), as the service feeds a large period', async () => {
    const pool = new RecheckPool(2)
    try {
      for (const how of TAMPERS) {
        await fc.assert(fc.asyncProperty(
          fc.integer({ min: 1, max: ROUNDS - 2 }), fc.integer({ min: 0, max: CORES - 1 }), fc.nat(1000),
          async (round, index, at) => { onlyBad(await run(round, index, how, at, async (chunk) => await pool.check(chunk)), how) }
        ), { numRuns: 2 })
      }
      // Every answer came from the workers: none was left to the builder.
      const chunk = new ReportAccumulator({ ...rest, latest: latestOf(receipts) }).prepare(byRound[1])
      expect((await pool.check(chunk)).every((c) => c?.status === 'verified')).to.equal(true)
      expect(pool.healthy).to.equal(true)
    } finally {
      await pool.close()
    }
  })

  it('a worker is sent only the chain answers its receipts ask for, and they give the verdicts the whole period\'s give', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: ROUNDS - 1 }), fc.integer({ min: 0, max: CORES - 1 }), fc.constantFrom(...TAMPERS), fc.nat(1000),
      (round, index, how, at) => {
        const r = tampered(byRound[round][index], round, how, at).receipt
        const part = chainFor(input.chain, [{ receipt: r }])
        expect(Object.keys(part.seals).length + Object.keys(part.blocks).length + Object.keys(part.txs).length).to.be.at.most(3)
        expect(recheckReceipt(r, part, input.trust)).to.deep.equal(recheckReceipt(r, input.chain, input.trust))
      }
    ), { numRuns: 60 })
  })

  it('a chain answer missing from the evidence fails the report the same way with or without workers', async () => {
    const { [byRound[2][0].receipt.seal.txHash]: _gone, ...txs } = input.chain.txs
    const header = { ...rest, chain: { ...input.chain, txs }, latest: latestOf(receipts) }
    const pool = new RecheckPool(1)
    try {
      for (const withPool of [false, true]) {
        const acc = new ReportAccumulator(header)
        acc.add(byRound[0])
        acc.add(byRound[1])
        const chunk = acc.prepare(byRound[2])
        const checks = withPool ? await pool.check(chunk) : undefined
        expect(() => acc.add(chunk, checks)).to.throw(VerifyError).with.property('code', 'MISSING_ANSWER')
      }
    } finally {
      await pool.close()
    }
  })

  it('a pool that fails answers "not checked", and the builder re-checks those receipts itself', async () => {
    const pool = new RecheckPool(1)
    await pool.close()
    const acc = new ReportAccumulator({ ...rest, latest: latestOf(receipts) })
    const chunk = acc.prepare(byRound[0])
    expect(await pool.check(chunk)).to.deep.equal(byRound[0].map(() => undefined))
    onlyBad(await run(3, 5, 'signature', 7, async (c) => await pool.check(c)), 'signature')
  })
})
