import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encode as encodeId } from 'hypercore-id-encoding'
import { apiBase } from '../../src/cli/http-client'
import { countAll, walkAll } from '../../src/cli/pages'
import { parseKeyLines, readKeyFile } from '../../src/cli/watch-file'
import type { CoreView } from '../../src/api'
import type { Verdict } from '../../src/verify'
import { appendN, localWriter, runCleanups, tempDir, waitFor, type LocalWriter } from '../heads/helpers'
import { expectOneErrorLine, lines, runCli, startService, type LiveService } from './helpers'

const fakeKey = (i: number): string => 'e' + (i + 1).toString(16).padStart(63, '0')

describe('hyperseal watch --file / --label, status paging, and a saved receipts page (node bin/hyperseal.js)', function () {
  this.timeout(180_000)
  let live: LiveService
  let writer: LocalWriter
  let env: Record<string, string>

  before(async () => {
    live = await startService()
    writer = await localWriter()
    await appendN(writer.core, 3)
    env = { HYPERSEAL_ADMIN_TOKEN: live.token }
  })
  after(runCleanups)

  it('watch --file sends every key in chunks, skipping blanks and comments; --peer and --label apply to each', async () => {
    const keys = Array.from({ length: 1_234 }, (_, i) => fakeKey(i))
    const text = ['# cores of tenant A', '', `${encodeId(Buffer.from(keys[0], 'hex'))}   # z-base-32 works too`,
      ...keys.slice(1).map((k, i) => (i % 500 === 0 ? `  ${k.toUpperCase()}  \r` : k)), keys[5], '   ', '# end'].join('\n')
    const file = join(tempDir('hs-cli-keys-'), 'keys.txt')
    writeFileSync(file, text)
    const run = await runCli(['watch', '--file', file, '--peer', '127.0.0.1:9', '--label', 'tenant A', '--api', live.url, '--json'], env)
    expect(run.code, run.stderr).to.equal(0)
    expect(JSON.parse(run.stdout)).to.deep.equal({ file, keys: 1_234, created: 1_234, merged: 0 })

    const cores = await walkAll<CoreView>(apiBase({ api: live.url }, {}), '/v1/cores', 'cores', { timeoutMs: 30_000 })
    expect(cores.map((c) => c.key).sort()).to.deep.equal([...keys].sort())
    expect(cores.every((c) => c.label === 'tenant A' && c.peers.length === 1 && c.peers[0] === '127.0.0.1:9')).to.equal(true)

    // Again, with a writer's key added: one new, the rest merged; the text output says so.
    writeFileSync(file, text + `\n${writer.key}\n`)
    const again = await runCli(['watch', '--file', file, '--api', live.url], env)
    expect(again.code, again.stderr).to.equal(0)
    expect(lines(again.stdout)).to.deep.equal([`watching 1235 cores from ${file}: 1 new, 1234 already watched`])
  })

  it('watch --file reports the first bad line with its number and sends nothing (exit 2); key and --file together are refused', async () => {
    const dir = tempDir('hs-cli-keys-')
    const bad = join(dir, 'bad.txt')
    writeFileSync(bad, [fakeKey(9000), '# fine', fakeKey(9001), 'not-a-key', fakeKey(9002)].join('\n'))
    const [run, both, label] = await Promise.all([
      runCli(['watch', '--file', bad, '--api', live.url], env),
      runCli(['watch', fakeKey(9003), '--file', bad, '--api', live.url], env),
      runCli(['watch', fakeKey(9003), '--label', 'bad\u202elabel', '--api', live.url], env)
    ])
    expect(expectOneErrorLine(run, 2, 'bad line')).to.match(/bad\.txt line 4: /)
    expect(expectOneErrorLine(both, 2, 'both')).to.include('either a core key or --file')
    expect(expectOneErrorLine(label, 2, 'bad label')).to.include('--label')
    const keys = (await walkAll<CoreView>(apiBase({ api: live.url }, {}), '/v1/cores', 'cores', { timeoutMs: 30_000 })).map((c) => c.key)
    expect(keys).to.not.include.members([fakeKey(9000)])
    expect(keys).to.not.include.members([fakeKey(9003)])

    // The file rules, without a process each.
    const empty = join(dir, 'empty.txt')
    writeFileSync(empty, '# nothing\n\n')
    expect(() => readKeyFile(empty)).to.throw('holds no key').with.property('code', 'BAD_INPUT')
    expect(() => readKeyFile(join(dir, 'missing.txt'))).to.throw('ENOENT').with.property('code', 'BAD_INPUT')
    expect(parseKeyLines(`# a\n\n ${fakeKey(1)} # b\r\n${fakeKey(1).toUpperCase()}\n${fakeKey(2)}#c`, 'k')).to.deep.equal([fakeKey(1), fakeKey(2)])
    expect(() => parseKeyLines(`${fakeKey(1)}\n\n${fakeKey(2)}x`, 'keys.txt')).to.throw(/^keys\.txt line 3: /)
  })

  it('watch <key> --label sets a label and another label replaces it; status pages through every core and counts incidents', async () => {
    const first = await runCli(['watch', writer.key, '--peer', `127.0.0.1:${writer.port}`, '--label', 'the writer', '--api', live.url], env)
    expect(first.code, first.stderr).to.equal(0)
    expect(lines(first.stdout)).to.include('label: the writer')
    const second = await runCli(['watch', writer.key, '--label', 'renamed', '--api', live.url, '--json'], env)
    expect(second.code, second.stderr).to.equal(0)
    expect(JSON.parse(second.stdout).core).to.include({ label: 'renamed', key: writer.key })

    const [status, text] = await Promise.all([runCli(['status', '--api', live.url, '--json']), runCli(['status', '--api', live.url])])
    expect(status.code, status.stderr).to.equal(0)
    const s = JSON.parse(status.stdout) as { cores: CoreView[], incidents: number, service: { chainId: number } }
    // More cores than one page of 1,000 holds.
    expect(s.cores).to.have.length(1_235)
    expect(new Set(s.cores.map((c) => c.key)).size).to.equal(1_235)
    expect(s.incidents).to.equal(0)
    expect(s.service.chainId).to.equal(31337)
    expect(text.stdout).to.match(/^cores +1235 watched, 0 stale$/m)
    expect(text.stdout).to.include(`${writer.key}  length 3 fork 0  never sealed  "renamed"`)
  })

  it('the CLI page walker follows next across small pages and counts without keeping', async () => {
    const base = apiBase({ api: live.url }, {})
    const all = await walkAll<CoreView>(base, '/v1/cores', 'cores', { timeoutMs: 30_000 })
    let pages = 0
    const small = await walkAll<CoreView>(base, '/v1/cores', 'cores', { timeoutMs: 30_000, limit: 400, onPage: () => { pages++ } })
    expect(small).to.deep.equal(all)
    expect(pages).to.equal(Math.ceil(all.length / 400))
    expect(await countAll(base, '/v1/cores', 'cores', { timeoutMs: 30_000, limit: 999 })).to.equal(all.length)
  })

  it('a page of GET /v1/cores/:key/receipts saved to a file is read by verify --receipt', async () => {
    await waitFor(() => live.service.watcher.watched().find((c) => c.key === writer.key)?.length === 3, 'the replica at length 3')
    await live.service.sealNow()
    await appendN(writer.core, 2)
    await waitFor(() => live.service.watcher.watched().find((c) => c.key === writer.key)?.length === 5, 'the replica at length 5')
    await live.service.sealNow()
    const page = await (await fetch(`${live.url}/v1/cores/${writer.key}/receipts?limit=1000`)).text()
    expect(JSON.parse(page).receipts).to.have.length(2)
    const dir = tempDir('hs-cli-page-')
    const file = join(dir, 'page.json')
    writeFileSync(file, page)
    const trust = join(dir, 'trust.json')
    writeFileSync(trust, JSON.stringify(live.service.trust().root))
    const run = await runCli(['verify', writer.key, '4', '--trust', trust, '--offline', '--receipt', file, '--rpc', live.service.rpcUrl!, '--peer', `127.0.0.1:${writer.port}`, '--timeout', '10', '--json'])
    expect(run.code, run.stderr).to.equal(0)
    const verdict = JSON.parse(run.stdout) as Verdict
    expect(verdict.status).to.equal('verified')
    expect(verdict.receipt!.head.length).to.equal(5)
  })
})
