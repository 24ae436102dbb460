import { expect } from 'chai'
import { runCleanups } from '../heads/helpers'
import { openService } from '../sealer/helpers'
import { mutateReceipt, tamperSubject, verdictOf } from './tamper'

describe('tampering: mutated receipts are never verified (real chain answers)', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  it('200 random single-field mutations of a real receipt: none verified', async () => {
    const { service } = await openService()
    const { receipt, chain, replica, trust } = await tamperSubject(service)
    try {
      expect((await verdictOf(receipt, chain, replica, trust)).status, 'the untouched receipt').to.equal('verified')
      let seed = 42
      const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
      const accepted: string[] = []
      for (let i = 0; i < 200; i++) {
        const { receipt: bad, field } = mutateReceipt(receipt, rand)
        if ((await verdictOf(bad, chain, replica, trust)).status === 'verified') accepted.push(field)
      }
      expect(accepted).to.deep.equal([])
    } finally {
      chain.close()
    }
  })
})
