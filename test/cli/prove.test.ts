import { expect } from 'chai'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { appendN, localWriter, runCleanups, tempDir, waitFor, type LocalWriter } from '../heads/helpers'
import { replicaAt } from '../sealer/helpers'
import type { Verdict } from '../../src/verify'
import { structWriter, type StructWriter } from '../structures/helpers'
import { expectOneErrorLine, runCli, startService, type LiveService } from './helpers'

describe('hyperseal prove and verify-proof', function () {
  this.timeout(300_000)
  let live: LiveService
  let writer: LocalWriter
  let drive: StructWriter
  let dir: string
  let trustFile: string

  before(async () => {
    live = await startService()
    writer = await localWriter()
    await appendN(writer.core, 6)
    await live.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await waitFor(() => live.service.watcher.watched().find((c) => c.key === writer.key)?.length === 6, 'the replica at length 6')
    drive = await structWriter('drive')
    const v = await drive.run({ cmd: 'put', path: '/notes/today.txt', text: 'sealed words' })
    await live.service.watchCore(drive.key, [drive.peer])
    await replicaAt(live.service, drive.key, v.version)
    await replicaAt(live.service, drive.blobs!, v.blobsLength!)
    await live.service.sealNow()
    dir = tempDir('hs-prove-')
    trustFile = join(dir, 'trust.json')
    const exported = await runCli(['trust', 'export', '--api', live.url, '-o', trustFile])
    expect(exported.code, exported.stderr).to.equal(0)
  })
  after(runCleanups)

  it('proves a block to a file, and verify-proof checks it with no service (exit 0); a flipped byte is refused (exit 1)', async () => {
    const file = join(dir, 'block.json')
    const made = await runCli(['prove', writer.key, '2', '--api', live.url, '-o', file])
    expect(made.code, made.stderr).to.equal(0)
    const rpc = live.service.rpcUrl!
    const ok = await runCli(['verify-proof', file, '--trust', trustFile, '--rpc', rpc])
    expect(ok.code, ok.stderr + ok.stdout).to.equal(0)
    expect(ok.stdout).to.match(/^PROVEN: Block 2 of core [0-9a-f]{16}… \(7 bytes\) existed, with these bytes, no later than \d{4}-/)
    expect(ok.stdout).to.include('"block-2"')
    const json = JSON.parse((await runCli(['verify-proof', file, '--trust', trustFile, '--rpc', rpc, '--json'])).stdout) as { ok: boolean, block: string }
    expect(Buffer.from(json.block, 'hex').toString()).to.equal('block-2')

    const doc = JSON.parse(readFileSync(file, 'utf8')) as { parts: Array<{ blocks: Array<{ data: string }> }> }
    doc.parts[0].blocks[0].data = doc.parts[0].blocks[0].data.replace(/.$/, (c) => c === '0' ? '1' : '0')
    const bad = join(dir, 'flipped.json')
    writeFileSync(bad, JSON.stringify(doc))
    const refused = await runCli(['verify-proof', bad, '--trust', trustFile, '--rpc', rpc])
    expect(refused.code).to.equal(1)
    expect(refused.stdout).to.match(/^REFUSED \(TREE_MISMATCH\)/)
  })

  it('verify <drive key> <version> independently: the db and the blobs core at the length that version references', async () => {
    const v = await drive.run({ cmd: 'version' })
    const args = ['verify', drive.key, String(v.version), '--trust', trustFile, '--rpc', live.service.rpcUrl!, '--peer', drive.peer, '--timeout', '10']
    const run = await runCli([...args, '--json'])
    expect(run.code, run.stderr).to.equal(0)
    const verdict = JSON.parse(run.stdout) as Verdict & { kind: string, parts: Array<Verdict & { role: string }> }
    expect(verdict.status, verdict.reason).to.equal('verified')
    expect(verdict.kind).to.equal('hyperdrive')
    expect(verdict.parts.map((p) => [p.role, p.key, p.version, p.status])).to.deep.equal([
      ['db', drive.key, v.version, 'verified'], ['blobs', drive.blobs, v.blobsLength, 'verified']
    ])
    // The same verdict as the service gives for the same replicas.
    const served = await live.service.verify(drive.key, v.version) as typeof verdict
    expect(served.parts.map((p) => [p.role, p.version, p.status, p.sealedAt])).to.deep.equal(verdict.parts.map((p) => [p.role, p.version, p.status, p.sealedAt]))
    const text = await runCli(args)
    expect(text.code, text.stderr).to.equal(0)
    expect(text.stdout).to.match(/^VERIFIED: hyperdrive [0-9a-f]{64} version \d+/)
    expect(text.stdout).to.match(/part: +blobs +verified/)
  })

  it('proves a drive file and extracts its content; bad input is exit 2', async () => {
    const file = join(dir, 'file.json')
    const made = await runCli(['prove', drive.key, '--file', '/notes/today.txt', '--api', live.url, '-o', file])
    expect(made.code, made.stderr).to.equal(0)
    const out = join(dir, 'today.txt')
    const ok = await runCli(['verify-proof', file, '--trust', trustFile, '--rpc', live.service.rpcUrl!, '--extract', out])
    expect(ok.code, ok.stderr + ok.stdout).to.equal(0)
    expect(ok.stdout).to.match(/^PROVEN: The file \/notes\/today.txt of Hyperdrive/)
    expect(readFileSync(out, 'utf8')).to.equal('sealed words')
    expectOneErrorLine(await runCli(['prove', drive.key, '3', '--file', '/x', '--api', live.url]), 2, 'two records asked')
    expectOneErrorLine(await runCli(['verify-proof', file, '--rpc', live.service.rpcUrl!]), 2, 'no trust root')
    expectOneErrorLine(await runCli(['verify-proof', trustFile, '--trust', trustFile, '--rpc', live.service.rpcUrl!]), 2, 'not a proof')
  })
})
