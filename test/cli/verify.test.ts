import { expect } from 'chai'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ContractFactory, JsonRpcProvider, Wallet } from 'ethers'
import Corestore from 'corestore'
import { connect } from 'node:net'
import { buildBatch, headFromJson, type Receipt } from '../../src/seal'
import type { Verdict } from '../../src/verify'
import { OTHER_KEY } from '../chain/helpers'
import { appendN, localWriter, onCleanup, runCleanups, tempDir, waitFor, type LocalWriter } from '../heads/helpers'
import { closedPort, expectOneErrorLine, runCli, startService, type CliRun, type LiveService } from './helpers'

const LOOK_ALIKE = JSON.parse(readFileSync(join(__dirname, '../../artifacts/contracts/test/LookAlikeSeal.sol/LookAlikeSeal.json'), 'utf8')) as { abi: unknown[], bytecode: string }

describe('hyperseal verify', function () {
  this.timeout(240_000)
  let live: LiveService
  let writer: LocalWriter
  let writerDir: string
  let receipt: Receipt
  let receiptFile: string
  let trustFile: string
  let rpc: string
  let fingerprint: string

  before(async () => {
    live = await startService()
    writerDir = tempDir('hs-verify-writer-')
    writer = await localWriter(writerDir)
    await appendN(writer.core, 5)
    await live.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await waitFor(() => live.service.watcher.watched().find((c) => c.key === writer.key)?.length === 5, 'the replica at length 5')
    await live.service.sealNow()
    receipt = (await live.service.receiptAt(writer.key, 5))!.receipt
    const files = tempDir('hs-verify-files-')
    receiptFile = join(files, 'receipt.json')
    writeFileSync(receiptFile, JSON.stringify(receipt))
    rpc = live.service.rpcUrl!
    trustFile = join(files, 'trust.json')
    const exported = await runCli(['trust', 'export', '--api', live.url, '-o', trustFile])
    expect(exported.code, exported.stderr).to.equal(0)
    fingerprint = live.service.trust().fingerprint
  })
  after(runCleanups)

  const offline = (version: number, replica: string[], file = receiptFile): string[] =>
    ['verify', writer.key, String(version), '--trust', trustFile, '--offline', '--receipt', file, '--rpc', rpc, '--timeout', '10', ...replica]

  it('refuses to verify independently without a trust root, and says how to get one (exit 2)', async () => {
    const run = await runCli(['verify', writer.key, '3', '--offline', '--receipt', receiptFile, '--rpc', rpc, '--peer', `127.0.0.1:${writer.port}`])
    const line = expectOneErrorLine(run, 2, 'no trust root')
    expect(line).to.include('--trust').and.include('trust export')
  })

  it('--api: verified through the service, which names its trust root; a pinned root that differs is refused', async () => {
    const run = await runCli(['verify', writer.key, '3', '--api', live.url])
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.match(/^VERIFIED: core [0-9a-f]{64} version 3/)
    expect(run.stdout).to.include(`tx ${receipt.seal.txHash}`)
    expect(run.stdout).to.include(fingerprint.slice(0, 4))
    expect(run.stdout).to.match(/WARNING: +this is the embedded development chain/)
    const json = await runCli(['verify', writer.key, '5', '--api', live.url, '--json', '--trust', trustFile])
    expect(json.code, json.stderr).to.equal(0)
    const verdict = JSON.parse(json.stdout) as Verdict
    expect(verdict).to.deep.include({ status: 'verified', trust: fingerprint })
    expect(verdict.chain).to.deep.include({ embedded: true })
    const other = join(tempDir('hs-verify-other-'), 'trust.json')
    const root = JSON.parse(readFileSync(trustFile, 'utf8')) as { name: string }
    writeFileSync(other, JSON.stringify({ ...root, name: 'someone else' }))
    expectOneErrorLine(await runCli(['verify', writer.key, '5', '--api', live.url, '--trust', other]), 1, 'another trust root')
  })

  it('independent, by default through the receipts log as witness and the service as peer: verified (0), pending (3)', async () => {
    const run = await runCli(['verify', writer.key, '4', '--trust', trustFile, '--peer', `127.0.0.1:${writer.port}`, '--json', '--timeout', '10'])
    expect(run.code, run.stderr).to.equal(0)
    const verdict = JSON.parse(run.stdout) as Verdict
    expect(verdict).to.deep.include({ status: 'verified', final: true, trust: fingerprint })
    expect(verdict.replica).to.deep.equal({ length: 5, fork: 0, treeHash: receipt.head.treeHash })
    expect(verdict.checks.every((c) => c.ok === true), JSON.stringify(verdict.checks)).to.equal(true)
    const text = await runCli(['verify', writer.key, '4', '--trust', trustFile, '--peer', `127.0.0.1:${writer.port}`, '--timeout', '10'])
    expect(text.stdout).to.match(/witness: +receipts log [0-9a-f]{16}/)
    const pending = await runCli(['verify', writer.key, '6', '--trust', trustFile, '--peer', `127.0.0.1:${writer.port}`, '--timeout', '10'])
    expect(pending.code, pending.stderr).to.equal(3)
    expect(pending.stdout).to.match(/^PENDING/)
  })

  it('--offline from receipt files: verified from a remote peer, saying later incidents were not checked; a tampered receipt is invalid (1)', async () => {
    const run = await runCli(offline(4, ['--peer', `127.0.0.1:${writer.port}`]))
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.match(/^VERIFIED/).and.match(/later incidents were NOT checked/)
    const tampered = structuredClone(receipt)
    tampered.head.treeHash = (tampered.head.treeHash[0] === '0' ? '1' : '0') + tampered.head.treeHash.slice(1)
    const file = join(tempDir('hs-verify-tampered-'), 'tampered.json')
    writeFileSync(file, JSON.stringify([tampered]))
    const bad = await runCli(offline(3, ['--peer', `127.0.0.1:${writer.port}`], file))
    expect(bad.code, bad.stderr + bad.stdout).to.equal(1)
    expect(bad.stdout).to.match(/^INVALID/)
  })

  it('a look-alike contract that back-dates a seal: refused without a trust root, invalid with one', async () => {
    const provider = new JsonRpcProvider(rpc, 31337, { staticNetwork: true, cacheTimeout: -1 })
    onCleanup(() => provider.destroy())
    const fake = await new ContractFactory(LOOK_ALIKE.abi as never, LOOK_ALIKE.bytecode, new Wallet(OTHER_KEY, provider)).deploy()
    await fake.waitForDeployment()
    const batch = buildBatch([headFromJson(receipt.head)])
    const Y2K = 946_684_800
    const tx = await (fake as unknown as { seal: (...a: unknown[]) => Promise<{ wait: () => Promise<{ hash: string, blockNumber: number, blockHash: string }> }> }).seal(batch.root, 1, Y2K, 1)
    const mined = await tx.wait()
    const address = (await fake.getAddress()).toLowerCase()
    const forged = batch.receiptFor(0, { chainId: 31337, contract: address, root: batch.root, leafCount: 1, txHash: mined.hash, blockNumber: mined.blockNumber, blockHash: mined.blockHash, timestamp: Y2K })
    const file = join(tempDir('hs-verify-forged-'), 'forged.json')
    writeFileSync(file, JSON.stringify(forged))
    const peer = ['--peer', `127.0.0.1:${writer.port}`]
    expectOneErrorLine(await runCli(['verify', writer.key, '5', '--offline', '--receipt', file, '--rpc', rpc, ...peer]), 2, 'no trust root')
    const pinned = await runCli([...offline(5, peer, file), '--json'])
    expect(pinned.code, pinned.stderr).to.equal(1)
    expect(JSON.parse(pinned.stdout) as Verdict).to.deep.include({ status: 'invalid', sealedAt: null })
    expect((JSON.parse(pinned.stdout) as Verdict).reason).to.match(/does not trust/)
    // Even a user who names the look-alike as the contract they trust: its code is not HyperSeal's.
    const byHand = await runCli(['verify', writer.key, '5', '--chain-id', '31337', '--contract', address, '--offline', '--receipt', file, '--rpc', rpc, ...peer, '--json'])
    expect(byHand.code, byHand.stderr).to.equal(1)
    expect((JSON.parse(byHand.stdout) as Verdict).reason).to.match(/not to the pinned HyperSeal code hash/)
  })

  it('a stale replica of a core the writer rewound: rewind by default; verified with --offline, which says it did not check', async () => {
    // A copy of the history at length 5, kept by a reader that then stops following the writer.
    const staleDir = tempDir('hs-verify-stale-')
    const stale = new Corestore(staleDir)
    const copy = stale.get({ key: Buffer.from(writer.key, 'hex') })
    await copy.ready()
    const socket = connect(writer.port, '127.0.0.1')
    const stream = stale.replicate(true)
    socket.pipe(stream).pipe(socket)
    await copy.update({ wait: true })
    await (copy as unknown as { download (r: { start: number, end: number }): { done (): Promise<void> } }).download({ start: 0, end: 5 }).done()
    socket.destroy()
    stream.destroy()
    await stale.close()

    await writer.core.truncate(2)
    await appendN(writer.core, 4, 'rewritten')
    await waitFor(() => live.service.watcher.watched().some((c) => c.key === writer.key && c.fork === 1 && c.length === 6), 'the replica on fork 1 at length 6')
    await live.service.sealNow()
    await waitFor(async () => (await live.service.listIncidents({ key: writer.key })).some((i) => i.kind === 'rewind'), 'a rewind incident')

    const byDefault = await runCli(['verify', writer.key, '4', '--trust', trustFile, '--storage', staleDir, '--json', '--timeout', '10'])
    expect(byDefault.code, byDefault.stderr + byDefault.stdout).to.equal(1)
    expect((JSON.parse(byDefault.stdout) as Verdict).status).to.equal('rewind')
    const service = await runCli(['verify', writer.key, '4', '--api', live.url, '--json'])
    expect((JSON.parse(service.stdout) as Verdict).status, 'the service says the same').to.equal('rewind')
    const offlineRun = await runCli(offline(4, ['--storage', staleDir]))
    expect(offlineRun.code, offlineRun.stderr).to.equal(0)
    expect(offlineRun.stdout).to.match(/^VERIFIED/).and.match(/later incidents were NOT checked/)
  })

  it('bad input exits 2 with one line; an unreachable peer, RPC or service exits 4', async () => {
    const notJson = join(tempDir('hs-verify-bad-'), 'bad.json')
    writeFileSync(notJson, 'not json')
    const peer = ['--peer', `127.0.0.1:${writer.port}`]
    const cases: Array<[string, string[]]> = [
      ['malformed key', ['verify', 'xyz', '3', '--api', live.url]],
      ['version 0', ['verify', writer.key, '0', '--api', live.url]],
      ['--storage and --peer', [...offline(3, peer), '--storage', writerDir]],
      ['--api with --rpc', [...offline(3, peer), '--api', live.url]],
      ['receipt not JSON', offline(3, peer, notJson)],
      ['--receipt without --offline', ['verify', writer.key, '3', '--trust', trustFile, '--receipt', receiptFile, ...peer]],
      ['bad RPC URL', ['verify', writer.key, '3', '--trust', trustFile, '--offline', '--receipt', receiptFile, '--rpc', 'not a url', ...peer]],
      ['trust file not JSON', ['verify', writer.key, '3', '--trust', notJson, ...peer]],
      ['--chain-id without --contract', ['verify', writer.key, '3', '--chain-id', '1', ...peer]],
      ['a storage dir that is not a Corestore', offline(3, ['--storage', tempDir('hs-verify-empty-')])]
    ]
    const port = await closedPort()
    const unreachable: Array<[string, string[]]> = [
      ['unreachable peer', offline(3, ['--peer', `127.0.0.1:${port}`])],
      ['unreachable RPC', ['verify', writer.key, '3', '--trust', trustFile, '--offline', '--receipt', receiptFile, '--rpc', `http://127.0.0.1:${port}`, ...peer]],
      ['unreachable receipts log', ['verify', writer.key, '3', '--trust', trustFile, '--log-peer', `127.0.0.1:${port}`, ...peer, '--timeout', '5']],
      ['unreachable API', ['verify', writer.key, '3', '--api', `http://127.0.0.1:${port}`]]
    ]
    // One process per case is slow (ts-node), so they run four at a time (the machine has 2 cores).
    const all = [...cases, ...unreachable]
    const runs: CliRun[] = []
    for (let i = 0; i < all.length; i += 4) runs.push(...await Promise.all(all.slice(i, i + 4).map(([, args]) => runCli(args))))
    cases.forEach(([what], i) => expectOneErrorLine(runs[i], 2, what))
    unreachable.forEach(([what], i) => expectOneErrorLine(runs[cases.length + i], 4, what))
  })

  it('--help lists the trust, the sources and the exit codes', async () => {
    const run = await runCli(['verify', '--help'])
    expect(run.code).to.equal(0)
    for (const option of ['--trust <file>', '--api <url>', '--offline', '--receipt <path>', '--rpc <url>', '--storage <dir>', '--peer <host:port>', '--chain-id <id>']) expect(run.stdout).to.include(option)
    expect(run.stdout).to.match(/3 {2}pending .*behind/).and.match(/4 {2}unreachable: the service, the chain RPC or a peer/)
  })

  it('independent, from the writer\'s own storage once it is closed: verified (exit 0)', async () => {
    writer.server.emit('close')
    await new Promise<void>((r) => writer.server.close(() => r()))
    await writer.store.close()
    const run = await runCli(['verify', writer.key, '6', '--trust', trustFile, '--storage', writerDir, '--timeout', '10'])
    expect(run.code, run.stderr + run.stdout).to.equal(0)
    expect(run.stdout).to.match(/^VERIFIED/)
    expect(run.stdout).to.include('replica:   length 6 fork 1')
  })
})
