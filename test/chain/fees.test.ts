import { expect } from 'chai'
import fc from 'fast-check'
import { bumpFee, replacementFees, type CurrentFees, type TxFees } from '../../src/chain'
import { codeOf } from './helpers'

const wei = fc.bigInt({ min: 0n, max: 10n ** 24n })
const eip1559 = fc.record({ maxFeePerGas: wei, maxPriorityFeePerGas: wei })
const legacy = fc.record({ gasPrice: wei })
const current: fc.Arbitrary<CurrentFees | null> = fc.option(fc.record({
  gasPrice: fc.option(wei), maxFeePerGas: fc.option(wei), maxPriorityFeePerGas: fc.option(wei)
}))
const percent = fc.integer({ min: 10, max: 1000 })

/** `next` is at least `prev` raised by `p` percent: the rule a node applies to a replacement. */
function raised (next: bigint, prev: bigint, p: number): boolean {
  return next * 100n >= prev * BigInt(100 + p)
}

describe('chain: replacement fees', () => {
  it('raises every EIP-1559 fee by at least the bump, never below the current fees, tip <= max fee', () => {
    fc.assert(fc.property(eip1559, current, percent, (prev, now, p) => {
      const next = replacementFees(prev, now, p) as { maxFeePerGas: bigint, maxPriorityFeePerGas: bigint }
      return Object.keys(next).sort().join() === 'maxFeePerGas,maxPriorityFeePerGas' &&
        raised(next.maxFeePerGas, prev.maxFeePerGas, p) &&
        raised(next.maxPriorityFeePerGas, prev.maxPriorityFeePerGas, p) &&
        next.maxFeePerGas >= (now?.maxFeePerGas ?? 0n) &&
        next.maxPriorityFeePerGas >= (now?.maxPriorityFeePerGas ?? 0n) &&
        next.maxPriorityFeePerGas <= next.maxFeePerGas
    }), { numRuns: 1000 })
  })

  it('raises a legacy gas price by at least the bump and keeps the legacy type', () => {
    fc.assert(fc.property(legacy, current, percent, (prev, now, p) => {
      const next = replacementFees(prev, now, p) as { gasPrice: bigint }
      return Object.keys(next).join() === 'gasPrice' && raised(next.gasPrice, prev.gasPrice, p) && next.gasPrice >= (now?.gasPrice ?? 0n)
    }), { numRuns: 1000 })
  })

  it('raises by no more than needed: one wei less would miss the bump', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 10n ** 24n }), percent, (fee, p) => {
      const next = bumpFee(fee, p)
      return raised(next, fee, p) && !raised(next - 1n, fee, p)
    }), { numRuns: 1000 })
  })

  it('matches worked examples', () => {
    expect(replacementFees({ gasPrice: 100n }, null)).to.deep.equal({ gasPrice: 110n })
    expect(replacementFees({ gasPrice: 101n }, null)).to.deep.equal({ gasPrice: 112n }) // 111.1 rounds up
    expect(replacementFees({ maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n },
      { gasPrice: null, maxFeePerGas: 5_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n }))
      .to.deep.equal({ maxFeePerGas: 5_000_000_000n, maxPriorityFeePerGas: 1_100_000_000n })
  })

  it('refuses a bump below 10% and malformed previous fees', async () => {
    expect(await codeOf(() => replacementFees({ gasPrice: 1n }, null, 9))).to.equal('INVALID_INPUT')
    expect(await codeOf(() => replacementFees({ gasPrice: -1n }, null))).to.equal('INVALID_INPUT')
    expect(await codeOf(() => replacementFees({ gasPrice: 1 } as unknown as TxFees, null))).to.equal('INVALID_INPUT')
  })
})
