import { expect } from 'chai'
import { createChainClient } from '../../src/chain'
import { runCleanups } from '../heads/helpers'
import { openService, sealedWriter } from '../sealer/helpers'
import { mutateReceipt, verdictOf } from './tamper'

describe('tampering: mutated receipts are never verified (real chain answers)', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  it('200 random single-field mutations of a real receipt: none verified', async () => {
    const { service } = await openService()
    const writer = await sealedWriter(service, 6)
    const [{ receipt }] = await service.coreReceipts(writer.key)
    const chain = await createChainClient({ rpcUrl: service.rpcUrl!, contractAddress: service.info().contract })
    const treeHash = (await writer.core.treeHash(6)).toString('hex')
    const replica = { length: 6, fork: 0, treeHashAt: (l: number) => (l === 6 ? treeHash : undefined) }
    const { contract, chainId } = service.info()
    try {
      expect((await verdictOf(receipt, chain, replica, contract, chainId)).status, 'the untouched receipt').to.equal('verified')
      let seed = 42
      const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
      const accepted: string[] = []
      for (let i = 0; i < 200; i++) {
        const { receipt: bad, field } = mutateReceipt(receipt, rand)
        if ((await verdictOf(bad, chain, replica, contract, chainId)).status === 'verified') accepted.push(field)
      }
      expect(accepted).to.deep.equal([])
    } finally {
      chain.close()
    }
  })
})
