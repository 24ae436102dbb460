import { expect } from 'chai'
import { appendN, localWriter, runCleanups, waitFor, type LocalWriter } from '../heads/helpers'
import { expectOneErrorLine, lines, mineBlock, runCli, startService, type LiveService } from './helpers'

describe('hyperseal watch / seal / status / unwatch against a real service (node bin/hyperseal.js)', function () {
  // Ten CLI processes in a row, each started from source (ts-node): 15–25 s apiece on a busy 2-core machine.
  this.timeout(400_000)
  let live: LiveService
  let writer: LocalWriter

  before(async () => {
    live = await startService()
    writer = await localWriter()
    await appendN(writer.core, 3)
  })
  after(runCleanups)

  it('watches a core, seals it, shows it in status, and unwatches it', async () => {
    const peer = `127.0.0.1:${writer.port}`
    // The token from the file the service wrote in its data directory.
    const watched = await runCli(['watch', writer.key, '--peer', peer, '--api', live.url, '--data', live.dataDir])
    expect(watched.code, watched.stderr).to.equal(0)
    expect(lines(watched.stdout)).to.deep.equal([`watching ${writer.key}`, `peers: ${peer}`])

    // The token from HYPERSEAL_ADMIN_TOKEN; the API from HYPERSEAL_HOST/PORT.
    const env = { HYPERSEAL_ADMIN_TOKEN: live.token, HYPERSEAL_HOST: '127.0.0.1', HYPERSEAL_PORT: String(live.port) }
    await waitFor(() => live.service.watcher.watched().some((w) => w.key === writer.key && w.length === 3), 'replica at length 3')
    const [again, sealed] = await Promise.all([runCli(['watch', writer.key, '--peer', '127.0.0.1:1', '--json'], env), runCli(['seal'], env)])
    expect(again.code, again.stderr).to.equal(0)
    const answer = JSON.parse(again.stdout)
    expect(answer.created).to.equal(false)
    expect(answer.core.peers).to.have.members([peer, '127.0.0.1:1'])
    expect(sealed.code, sealed.stderr).to.equal(0)
    expect(sealed.stdout).to.match(/^sealed 1 head in batch 0x[0-9a-f]{64}$/m)
    expect(sealed.stdout).to.include(`${writer.key} length 3 fork 0`)
    const receipts = await live.service.coreReceipts(writer.key)
    expect(receipts.map((r) => r.receipt.head.length)).to.deep.equal([3])

    const [status, statusText, unchanged] = await Promise.all([runCli(['status', '--json'], env), runCli(['status'], env), runCli(['seal', '--json'], env)])
    expect(status.code, status.stderr).to.equal(0)
    const s = JSON.parse(status.stdout)
    expect(s.service.chainId).to.equal(31337)
    expect(s.service.rpc).to.equal(live.service.rpcUrl)
    expect(s.ready.ready).to.equal(true)
    expect(s.incidents).to.equal(0)
    expect(s.passes.failedInARow).to.equal(0)
    expect(s.passes.last.outcome, 'the pass that sealed, or the one beside this status').to.be.oneOf(['sealed', 'unchanged'])
    expect(s.cores).to.have.length(1)
    expect(s.cores[0]).to.deep.include({ key: writer.key, length: 3 })
    expect(s.cores[0].lastSeal).to.include({ length: 3, root: receipts[0].receipt.seal.root })
    expect(statusText.code).to.equal(0)
    expect(statusText.stdout).to.match(/^ready +yes$/m)
    expect(statusText.stdout).to.match(/^last pass +(sealed|unchanged) at \d{4}-\d\d-\d\dT[\d:.]+Z$/m)

    expect(statusText.stdout).to.match(new RegExp(`^rpc +${live.service.rpcUrl!.replace(/[.]/g, '\\.')}$`, 'm'))
    expect(statusText.stdout).to.include(`${writer.key}  length 3 fork 0  last sealed at length 3 fork 0`)
    expect(unchanged.code, unchanged.stderr).to.equal(0)
    expect(JSON.parse(unchanged.stdout).batch).to.equal(null)

    const removed = await runCli(['unwatch', writer.key], env)
    expect(removed.code, removed.stderr).to.equal(0)
    expect(removed.stdout.trim()).to.equal(`no longer watching ${writer.key}`)
    const [twice, twiceJson] = await Promise.all([runCli(['unwatch', writer.key], env), runCli(['unwatch', writer.key, '--json'], env)])
    expect(expectOneErrorLine(twice, 1, 'unwatch again')).to.match(/^error: Core [0-9a-f]{64} is not watched/)
    expect(JSON.parse(expectOneErrorLine(twiceJson, 1, 'unwatch again --json')).error.code).to.equal('NOT_WATCHED')
  })
})

describe('hyperseal seal while a pass runs (a real pass held open waiting for its confirmation)', function () {
  this.timeout(180_000)
  after(runCleanups)

  it('prints that a pass is already running and exits 1', async () => {
    // Two confirmations on an anvil that mines only on transactions: the pass waits for a block.
    const live = await startService({ HYPERSEAL_CONFIRMATIONS: '2' })
    const writer = await localWriter()
    await appendN(writer.core, 2)
    await live.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await waitFor(() => live.service.watcher.watched().some((w) => w.key === writer.key && w.length === 2), 'replica at length 2')
    const pass = live.service.sealNow()
    try {
      const [text, json] = await Promise.all([
        runCli(['seal', '--api', live.url, '--data', live.dataDir]),
        runCli(['seal', '--api', live.url, '--data', live.dataDir, '--json'])
      ])
      expect(expectOneErrorLine(text, 1, 'seal')).to.equal('error: a seal pass is already running; try again in a moment')
      expect(JSON.parse(expectOneErrorLine(json, 1, 'seal --json')).error).to.deep.equal({ code: 'PASS_RUNNING', message: 'a seal pass is already running; try again in a moment' })
    } finally {
      await mineBlock(live.service.rpcUrl!)
    }
    const result = await pass
    expect(result.batch!.heads).to.deep.include({ key: writer.key, length: 2, fork: 0 })
  })
})
