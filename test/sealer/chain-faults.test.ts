import { expect } from 'chai'
import { createServer, type AddressInfo } from 'node:net'
import { JsonRpcProvider, Wallet } from 'ethers'
import { startEmbeddedChain, type EmbeddedChain } from '../../src/chain'
import { HypersealService } from '../../src/service'
import type { InflightBatch, SentTx } from '../../src/ledger'
import { appendN, codeOf, localWriter, onCleanup, runCleanups, tempDir, waitFor } from '../heads/helpers'
import { sealCount } from '../faults/helpers'
import { testConfig } from './helpers'

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

/** An anvil of the test's own (so the test can stop, stall or reorganise it) and a service on it. */
async function serviceOnOwnChain (env: Record<string, string> = {}, timing = {}, rpcTimeoutMs?: number): Promise<{ service: HypersealService, chain: EmbeddedChain, chainDir: string, port: number, rpc: (method: string, params?: unknown[]) => Promise<unknown> }> {
  const chainDir = tempDir('hs-chain-')
  const port = await freePort()
  let chain = await startEmbeddedChain({ dataDir: chainDir, port })
  const holder = { chain }
  onCleanup(() => holder.chain.stop())
  const service = await HypersealService.open(testConfig(tempDir('hs-service-'), {
    HYPERSEAL_RPC: chain.rpcUrl, HYPERSEAL_CONTRACT: chain.contractAddress, HYPERSEAL_SEALER_KEY: chain.sealerKey, ...env
  }), { updateTimeoutMs: 2000, timing, ...(rpcTimeoutMs ? { rpcTimeoutMs } : {}) })
  onCleanup(() => service.close())
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true })
  onCleanup(() => provider.destroy())
  return {
    service,
    get chain () { return holder.chain },
    set chain (c: EmbeddedChain) { holder.chain = c; chain = c },
    chainDir,
    port,
    rpc: (method, params = []) => provider.send(method, params)
  }
}

/** Waits until the service's in-flight batch is where `pick` says (it returns non-null there). */
async function journaled<T> (service: HypersealService, pick: (b: InflightBatch) => T | null, what: string): Promise<T> {
  return await waitFor(async () => {
    const [b] = await service.journal.listUnfinished()
    return b === undefined ? null : pick(b)
  }, what, 20_000)
}

async function watchedWriter (service: HypersealService, blocks: number): Promise<string> {
  const writer = await localWriter()
  await appendN(writer.core, blocks)
  await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
  await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.length === blocks, `replica at ${blocks}`)
  return writer.key
}

describe('seal pass under chain faults', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('keeps the batch journaled while the RPC is down and seals it once on a later pass', async () => {
    const env = await serviceOnOwnChain()
    const key = await watchedWriter(env.service, 4)
    await env.chain.stop()
    expect(await codeOf(env.service.sealNow())).to.equal('RPC_UNREACHABLE')
    const pending = await env.service.journal.listUnfinished()
    expect(pending).to.have.length(1)
    expect(pending[0].state).to.equal('prepared')

    env.chain = await startEmbeddedChain({ dataDir: env.chainDir, port: env.port })
    const pass = await env.service.sealNow()
    expect(pass.recovered).to.deep.equal([pending[0].root])
    expect(await env.service.journal.listUnfinished()).to.deep.equal([])
    const receipts = await env.service.coreReceipts(key)
    expect(receipts).to.have.length(1)
    expect(receipts[0].receipt.seal.root).to.equal(pending[0].root)
    expect(await sealCount(env.chain.rpcUrl, env.chain.contractAddress)).to.equal(1)
  })

  it('loses nothing when the RPC goes down after the transaction was sent, while waiting for it', async () => {
    // An RPC error ends the wait for the transaction at once (RPC_UNREACHABLE). The mined timeout
    // must outlast stopping the node (which saves its state first): were it to expire while the
    // node still answers, the pass would replace the transaction instead, racing the stop. It
    // also bounds the next pass's wait for the transaction the restarted node no longer knows.
    const env = await serviceOnOwnChain({}, { minedTimeoutMs: 15_000 })
    const key = await watchedWriter(env.service, 3)
    await env.rpc('evm_setAutomine', [false])
    const pass = env.service.sealNow()
    const sent = await journaled(env.service, (b) => b.state === 'sent' ? b : null, 'the seal sent')
    await env.chain.stop() // the pending transaction dies with the node's mempool
    expect(await codeOf(pass)).to.equal('RPC_UNREACHABLE')
    expect((await env.service.journal.listUnfinished())[0]).to.include({ state: 'sent', root: sent.root })

    env.chain = await startEmbeddedChain({ dataDir: env.chainDir, port: env.port })
    const next = await env.service.sealNow()
    expect(next.recovered).to.deep.equal([sent.root])
    const receipts = await env.service.coreReceipts(key)
    expect(receipts.map((r) => r.receipt.seal.root)).to.deep.equal([sent.root])
    expect(await sealCount(env.chain.rpcUrl, env.chain.contractAddress)).to.equal(1)
  })

  it('fails a pass on a stalled node (RPC_TIMEOUT) without losing its batch, and seals it once the node answers', async () => {
    const env = await serviceOnOwnChain({}, {}, 1000)
    const key = await watchedWriter(env.service, 2)
    process.kill(env.chain.pid, 'SIGSTOP')
    let resumed = false
    onCleanup(() => { if (!resumed) process.kill(env.chain.pid, 'SIGCONT') })
    expect(await codeOf(env.service.sealNow())).to.equal('RPC_TIMEOUT')
    const [pending] = await env.service.journal.listUnfinished()
    expect(pending.state).to.equal('prepared')
    process.kill(env.chain.pid, 'SIGCONT')
    resumed = true
    const pass = await env.service.sealNow()
    expect(pass.recovered).to.deep.equal([pending.root])
    expect((await env.service.coreReceipts(key)).map((r) => r.receipt.seal.root)).to.deep.equal([pending.root])
    expect(await sealCount(env.chain.rpcUrl, env.chain.contractAddress)).to.equal(1)
  })

  it('replaces a transaction that is not mined in time at the same nonce with fees raised ≥ 10%', async () => {
    const env = await serviceOnOwnChain({}, { minedTimeoutMs: 400 })
    const key = await watchedWriter(env.service, 3)
    await env.rpc('evm_setAutomine', [false])
    const pass = env.service.sealNow()
    const stuck = await journaled(env.service, (b) => b.state === 'sent' && (b.tx as SentTx).replaced.length >= 1 ? b.tx as SentTx : null, 'a replacement transaction')
    await env.rpc('evm_mine')
    await env.rpc('evm_setAutomine', [true])
    await pass
    const first = stuck.replaced[0]
    expect(stuck.nonce).to.equal(first.nonce)
    const fee = (t: { maxFeePerGas?: string, gasPrice?: string }): bigint => BigInt(t.maxFeePerGas ?? t.gasPrice!)
    expect(fee(stuck) * 100n >= fee(first) * 110n, 'fee raised by at least 10%').to.equal(true)
    const [receipt] = await env.service.coreReceipts(key)
    expect([stuck.hash, ...stuck.replaced.map((t) => t.hash)]).to.include(receipt.receipt.seal.txHash)
    expect(await sealCount(env.chain.rpcUrl, env.chain.contractAddress)).to.equal(1)
  })

  it('recovers when another process with the same key takes the nonce of a pending seal', async () => {
    const env = await serviceOnOwnChain({}, { minedTimeoutMs: 400 })
    const key = await watchedWriter(env.service, 3)
    await env.rpc('evm_setAutomine', [false])
    const pass = env.service.sealNow()
    const sent = await journaled(env.service, (b) => b.state === 'sent' ? b.tx as SentTx : null, 'the seal sent')
    // Another process holding the sealer key spends that nonce with a much higher fee.
    const provider = new JsonRpcProvider(env.chain.rpcUrl, undefined, { staticNetwork: true })
    onCleanup(() => provider.destroy())
    const other = new Wallet(env.chain.sealerKey, provider)
    const fee = BigInt(sent.maxFeePerGas ?? sent.gasPrice!) * 10n
    await other.sendTransaction({ to: other.address, value: 1n, nonce: sent.nonce, maxFeePerGas: fee, maxPriorityFeePerGas: fee, gasLimit: 21_000n })
    await env.rpc('evm_mine')
    await env.rpc('evm_setAutomine', [true])
    await pass
    const [receipt] = await env.service.coreReceipts(key)
    const tx = await provider.getTransaction(receipt.receipt.seal.txHash)
    expect(tx!.nonce).to.be.greaterThan(sent.nonce)
    expect(await sealCount(env.chain.rpcUrl, env.chain.contractAddress)).to.equal(1)
  })

  it('seals a root again when a reorg drops its block before it is final', async () => {
    const env = await serviceOnOwnChain({ HYPERSEAL_CONFIRMATIONS: '3' })
    const key = await watchedWriter(env.service, 2)
    const snapshot = await env.rpc('evm_snapshot')
    const pass = env.service.sealNow()
    const mined = await journaled(env.service, (b) => b.state === 'mined' ? b.mined! : null, 'the seal mined')
    await env.rpc('evm_revert', [snapshot])
    // Blocks keep coming after the reorg, so the resent seal can reach its confirmations.
    const miner = setInterval(() => { env.rpc('evm_mine').catch(() => {}) }, 200)
    onCleanup(() => clearInterval(miner))
    await pass
    clearInterval(miner)
    const [receipt] = await env.service.coreReceipts(key)
    expect(receipt.receipt.seal.blockHash).to.not.equal(mined.blockHash)
    const block = await env.rpc('eth_getBlockByNumber', ['0x' + receipt.receipt.seal.blockNumber.toString(16), false]) as { hash: string }
    expect(block.hash).to.equal(receipt.receipt.seal.blockHash)
    expect(await sealCount(env.chain.rpcUrl, env.chain.contractAddress)).to.equal(1)
  })

  it('runs passes on the cron schedule', async () => {
    const env = await serviceOnOwnChain({ HYPERSEAL_SCHEDULE: '* * * * * *' })
    const key = await watchedWriter(env.service, 2)
    env.service.startSchedule()
    const receipts = await waitFor(async () => {
      const r = await env.service.coreReceipts(key)
      return r.length > 0 ? r : null
    }, 'a scheduled seal', 15_000)
    expect(receipts[0].receipt.head.length).to.equal(2)
  })
})
