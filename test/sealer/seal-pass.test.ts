import { expect } from 'chai'
import { createChainClient } from '../../src/chain'
import { checkReceipt } from '../../src/seal'
import { appendN, codeOf, localWriter, runCleanups, waitFor } from '../heads/helpers'
import { openService } from './helpers'

describe('seal pass (real service: embedded anvil, Corestore, TCP replication)', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('seals a watched core with the receipts log in one batch, and skips it while unchanged', async () => {
    const { service } = await openService()
    const writer = await localWriter()
    await appendN(writer.core, 5)
    const { created, core } = await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    expect(created).to.equal(true)
    expect(core.key).to.equal(writer.key)
    await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.length === 5, 'replica at length 5')

    const first = await service.sealNow()
    expect(first.batch).to.not.equal(null)
    // The receipts log is still empty (nothing signed to seal): the first batch is the core alone.
    expect(first.batch!.heads).to.deep.equal([{ key: writer.key, length: 5, fork: 0 }])

    const receipts = await service.coreReceipts(writer.key)
    expect(receipts).to.have.length(1)
    const check = checkReceipt(receipts[0].receipt)
    expect(check.ok).to.equal(true)
    expect(receipts[0].receipt.head.treeHash).to.equal((await writer.head()).treeHash)
    expect(receipts[0].receipt.seal.root).to.equal(first.batch!.root)

    // The root is on chain at the receipt's block.
    const chain = await createChainClient({ rpcUrl: service.rpcUrl!, contractAddress: service.info().contract })
    const at = await chain.sealedAt(first.batch!.root)
    chain.close()
    expect(at).to.deep.equal({ timestamp: receipts[0].receipt.seal.timestamp, blockNumber: receipts[0].receipt.seal.blockNumber })

    const second = await service.sealNow()
    expect(second.batch).to.equal(null)
    expect(second.skipped.map((s) => s.key)).to.include(writer.key)
    expect(await service.listBatches({})).to.have.length(1)

    await appendN(writer.core, 3)
    await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.length === 8, 'replica at length 8')
    const third = await service.sealNow()
    expect(third.batch!.heads.find((h) => h.key === writer.key)!.length).to.equal(8)
    // From now on the receipts log's own head rides along: it holds the first batch.
    const own = third.batch!.heads.find((h) => h.key === service.info().receiptsLog)
    expect(own?.length).to.be.greaterThan(0)
    expect((await service.coreReceipts(service.info().receiptsLog)).map((r) => r.receipt.head.length)).to.deep.equal([own!.length])
    expect((await service.coreReceipts(writer.key)).map((r) => r.receipt.head.length)).to.deep.equal([5, 8])
    expect((await service.receiptAt(writer.key, 8))!.receipt.seal.root).to.equal(third.batch!.root)
    expect(await service.receiptAt(writer.key, 7)).to.equal(null)
  })

  it('records a rewind with both signed heads, still seals the new head, and marks it', async () => {
    const { service } = await openService()
    const writer = await localWriter()
    await appendN(writer.core, 6)
    await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.length === 6, 'replica at 6')
    await service.sealNow()
    const sealed = (await writer.head())

    await writer.core.truncate(3)
    await appendN(writer.core, 5, 'rewritten')
    await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.fork === 1, 'replica on fork 1')
    await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.length === 8, 'replica at 8')

    const pass = await service.sealNow()
    const rewind = pass.incidents.find((i) => i.key === writer.key)
    expect(rewind?.kind).to.equal('rewind')
    expect(rewind!.sealed).to.include({ length: 6, fork: 0, treeHash: sealed.treeHash })
    expect(rewind!.observed).to.include({ length: 8, fork: 1 })
    expect(pass.batch!.heads.find((h) => h.key === writer.key)).to.deep.equal({ key: writer.key, length: 8, fork: 1 })
    const latest = (await service.receiptAt(writer.key, 8))!
    expect(latest.contradicts).to.equal('rewind')
    const stored = await service.listIncidents({ key: writer.key })
    expect(stored.some((i) => i.kind === 'rewind' && i.observed.length === 8)).to.equal(true)

    // The next change is compared with the rewound history: no second incident.
    await appendN(writer.core, 1, 'later')
    await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.length === 9, 'replica at 9')
    const after = await service.sealNow()
    expect(after.incidents).to.deep.equal([])
    expect((await service.receiptAt(writer.key, 9))!.contradicts).to.equal(undefined)
  })

  it('keeps watches, receipts, incidents and the contract across a restart', async () => {
    const first = await openService()
    const writer = await localWriter()
    await appendN(writer.core, 4)
    await first.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await waitFor(() => first.service.watcher.watched().find((w) => w.key === writer.key)?.length === 4, 'replica at 4')
    const pass = await first.service.sealNow()
    const info = first.service.info()
    await first.service.close()

    const { service } = await openService({ dataDir: first.dataDir })
    expect(service.info().contract).to.equal(info.contract)
    expect(service.info().receiptsLog).to.equal(info.receiptsLog)
    expect((await service.listCores()).map((c) => c.key)).to.deep.equal([writer.key])
    const receipts = await service.coreReceipts(writer.key)
    expect(receipts.map((r) => r.receipt.seal.root)).to.deep.equal([pass.batch!.root])
    expect((await service.ready()).ready).to.equal(true)
  })

  it('refuses a second pass while one runs, and rejects bad keys and peers with codes', async () => {
    const { service } = await openService()
    const writer = await localWriter()
    await appendN(writer.core, 2)
    await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    const running = service.sealNow()
    expect(await codeOf(service.sealNow())).to.equal('PASS_RUNNING')
    await running
    expect(await codeOf(service.watchCore('abc', []))).to.equal('BAD_KEY')
    expect(await codeOf(service.watchCore(writer.key, ['nope']))).to.equal('BAD_PEER')
    expect(await codeOf(service.unwatchCore('ab'.repeat(32)))).to.equal('NOT_WATCHED')
    expect(await codeOf(service.coreReceipts('cd'.repeat(32)))).to.equal('NOT_WATCHED')
  })
})
