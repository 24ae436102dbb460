import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Receipt } from '../../src/seal'
import type { Verdict } from '../../src/verify'
import { appendN, localWriter, runCleanups, tempDir, waitFor, type LocalWriter } from '../heads/helpers'
import { closedPort, expectOneErrorLine, runCli, startService, type CliRun, type LiveService } from './helpers'

describe('hyperseal verify', function () {
  this.timeout(180_000)
  let live: LiveService
  let writer: LocalWriter
  let writerDir: string
  let receipt: Receipt
  let receiptFile: string
  let rpc: string

  before(async () => {
    live = await startService()
    writerDir = tempDir('hs-verify-writer-')
    writer = await localWriter(writerDir)
    await appendN(writer.core, 5)
    await live.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await waitFor(() => live.service.watcher.watched().find((c) => c.key === writer.key)?.length === 5, 'the replica at length 5')
    await live.service.sealNow()
    receipt = (await live.service.receiptAt(writer.key, 5))!.receipt
    receiptFile = join(tempDir('hs-verify-receipts-'), 'receipt.json')
    writeFileSync(receiptFile, JSON.stringify(receipt))
    rpc = live.service.rpcUrl!
  })
  after(runCleanups)

  const independent = (version: number, replica: string[], file = receiptFile): string[] =>
    ['verify', writer.key, String(version), '--receipt', file, '--rpc', rpc, '--timeout', '10', ...replica]

  it('--api: verified through the service, exit 0, and --json prints the verdict', async () => {
    const run = await runCli(['verify', writer.key, '3', '--api', live.url])
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.match(/^VERIFIED: core [0-9a-f]{64} version 3/)
    expect(run.stdout).to.include(`tx ${receipt.seal.txHash}`)
    const json = await runCli(['verify', writer.key, '5', '--api', live.url, '--json'])
    expect(json.code, json.stderr).to.equal(0)
    const verdict = JSON.parse(json.stdout) as Verdict
    expect(verdict.status).to.equal('verified')
    expect(verdict.receipt!.seal.root).to.equal(receipt.seal.root)
  })

  it('independent, from a remote peer: verified (exit 0); past the seal: pending (exit 3)', async () => {
    const run = await runCli([...independent(4, ['--peer', `127.0.0.1:${writer.port}`]), '--json'])
    expect(run.code, run.stderr).to.equal(0)
    const verdict = JSON.parse(run.stdout) as Verdict
    expect(verdict.status).to.equal('verified')
    expect(verdict.final).to.equal(true)
    // The head the peer's upgrade proof proves.
    expect(verdict.replica).to.deep.equal({ length: 5, fork: 0, treeHash: receipt.head.treeHash })

    const pending = await runCli(independent(6, ['--peer', `127.0.0.1:${writer.port}`]))
    expect(pending.code, pending.stderr).to.equal(3)
    expect(pending.stdout).to.match(/^PENDING/)
  })

  it('a tampered receipt is invalid (exit 1)', async () => {
    const tampered = structuredClone(receipt)
    tampered.head.treeHash = (tampered.head.treeHash[0] === '0' ? '1' : '0') + tampered.head.treeHash.slice(1)
    const file = join(tempDir('hs-verify-tampered-'), 'tampered.json')
    writeFileSync(file, JSON.stringify([tampered]))
    const run = await runCli(independent(3, ['--peer', `127.0.0.1:${writer.port}`], file))
    expect(run.code, run.stderr + run.stdout).to.equal(1)
    expect(run.stdout).to.match(/^INVALID/)
  })

  it('bad input exits 2 with one line; an unreachable peer or RPC exits 4', async () => {
    const notJson = join(tempDir('hs-verify-bad-'), 'bad.json')
    writeFileSync(notJson, 'not json')
    const peer = ['--peer', `127.0.0.1:${writer.port}`]
    const cases: Array<[string, string[]]> = [
      ['malformed key', ['verify', 'xyz', '3', '--api', live.url]],
      ['version 0', ['verify', writer.key, '0', '--api', live.url]],
      ['--storage and --peer', [...independent(3, peer), '--storage', writerDir]],
      ['missing --rpc', ['verify', writer.key, '3', '--receipt', receiptFile, ...peer]],
      ['--api with --receipt', [...independent(3, peer), '--api', live.url]],
      ['receipt not JSON', independent(3, peer, notJson)],
      ['bad RPC URL', ['verify', writer.key, '3', '--receipt', receiptFile, '--rpc', 'not a url', ...peer]],
      ['storage in use', independent(3, ['--storage', writerDir])]
    ]
    const port = await closedPort()
    const unreachable: Array<[string, string[]]> = [
      ['unreachable peer', independent(3, ['--peer', `127.0.0.1:${port}`])],
      ['unreachable RPC', ['verify', writer.key, '3', '--receipt', receiptFile, '--rpc', `http://127.0.0.1:${port}`, ...peer]],
      ['unreachable API', ['verify', writer.key, '3', '--api', `http://127.0.0.1:${port}`]]
    ]
    // One process per case is slow (ts-node), so they run four at a time (the machine has 2 cores).
    const all = [...cases, ...unreachable]
    const runs: CliRun[] = []
    for (let i = 0; i < all.length; i += 4) runs.push(...await Promise.all(all.slice(i, i + 4).map(([, args]) => runCli(args))))
    cases.forEach(([what], i) => {
      const line = expectOneErrorLine(runs[i], 2, what)
      if (what === 'storage in use') expect(line).to.include(writerDir).and.include('locked')
    })
    unreachable.forEach(([what], i) => expectOneErrorLine(runs[cases.length + i], 4, what))
  })

  it('--help lists the sources and the exit codes', async () => {
    const run = await runCli(['verify', '--help'])
    expect(run.code).to.equal(0)
    for (const option of ['--api <url>', '--receipt <path>', '--rpc <url>', '--storage <dir>', '--peer <host:port>', '--confirmations <n>']) expect(run.stdout).to.include(option)
    expect(run.stdout).to.match(/3 {2}pending .* or behind/).and.match(/4 {2}unreachable: the service, the chain RPC or a peer/)
  })

  it('independent, from the writer\'s own storage once it is closed: verified (exit 0)', async () => {
    writer.server.emit('close')
    await new Promise<void>((r) => writer.server.close(() => r()))
    await writer.store.close()
    const run = await runCli(independent(5, ['--storage', writerDir]))
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.match(/^VERIFIED/)
    expect(run.stdout).to.include('replica:   length 5 fork 0')
  })
})
