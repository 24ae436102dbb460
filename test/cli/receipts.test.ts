import { expect } from 'chai'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { Contract, JsonRpcProvider } from 'ethers'
import sodium from 'sodium-native'
import { loadReceipts } from '../../src/cli/receipt-files'
import type { Receipt } from '../../src/seal'
import type { Verdict } from '../../src/verify'
import { appendN, codeOf, localWriter, runCleanups, tempDir, waitFor, type LocalWriter } from '../heads/helpers'
import { closedPort, expectOneErrorLine, foreignServer, runCli, runInProcess, startService, type CliRun, type LiveService } from './helpers'

const KEY = 'ab'.repeat(32)
const OTHER = 'cd'.repeat(32)
/** Receipt-shaped objects: loadReceipts checks the file's form, the verifier the receipt's content. */
const fake = (key: string, length: number): object => ({ v: 1, head: { key, length }, seal: { root: `0x${String(length).padStart(64, '0')}` }, proof: [] })

function file (dir: string, name: string, json: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json))
  return path
}

describe('receipt files: the forms --receipt reads (src/cli/receipt-files.ts)', () => {
  afterEach(runCleanups)

  it('reads one receipt, a list, the API\'s { receipts } answer (with or without next), and a directory of them', () => {
    const dir = tempDir('hs-receipt-forms-')
    const lengths = (path: string): number[] => loadReceipts(path, KEY).map((r) => (r as unknown as { head: { length: number } }).head.length)
    expect(lengths(file(dir, 'one.json', fake(KEY, 1)))).to.deep.equal([1])
    expect(lengths(file(dir, 'list.json', [fake(KEY, 2), fake(OTHER, 9), fake(KEY, 3)]))).to.deep.equal([2, 3])
    expect(lengths(file(dir, 'api.json', { receipts: [fake(KEY, 4)] }))).to.deep.equal([4])
    expect(lengths(file(dir, 'page.json', { receipts: [fake(KEY, 5)], next: 'abc' }))).to.deep.equal([5])
    expect(lengths(file(dir, 'last.json', { receipts: [fake(KEY, 6)], next: null }))).to.deep.equal([6])
    // The directory: every *.json file above, in name order, other cores left out.
    file(dir, 'notes.txt', 'not a receipt, not read')
    expect(lengths(dir)).to.deep.equal([4, 6, 2, 3, 1, 5])
    // A tampered receipt is passed on (the verifier calls it invalid), not dropped.
    expect(loadReceipts(file(dir, 'tampered.json', { head: { key: 'zz' }, seal: 5 }), KEY)).to.have.length(1)
  })

  it('refuses what is none of the forms, naming the file and the forms it takes (BAD_INPUT)', async () => {
    const dir = tempDir('hs-receipt-bad-')
    const cases: Array<[string, unknown, RegExp]> = [
      ['not-json.json', 'not json', /is not JSON; give a receipt, a JSON list of receipts, or the API's \{ "receipts": \[\.\.\.\] \} answer/],
      ['null.json', 'null', /holds null/],
      ['number.json', '42', /holds number/],
      ['empty.json', [], /holds no receipt/],
      ['empty-api.json', { receipts: [] }, /holds no receipt/],
      ['verdict.json', { key: KEY, version: 3, status: 'verified', receipt: fake(KEY, 3) }, /is not a receipt \(it has neither "head" nor "seal"\)/],
      ['error.json', { error: { code: 'NOT_FOUND', message: 'x' } }, /is not a receipt/],
      ['strings.json', ['a', 'b'], /Item 0 of the receipt file .* is not a JSON object/],
      ['nested.json', [[fake(KEY, 1)]], /Item 0 .* is not a JSON object/],
      ['api-not-list.json', { receipts: fake(KEY, 1) }, /is not the API's answer/],
      ['api-bad-next.json', { receipts: [fake(KEY, 1)], next: 5 }, /is not the API's answer/],
      ['api-extra.json', { receipts: [fake(KEY, 1)], batches: [] }, /is not the API's answer .*it also has batches/],
      ['api-junk-item.json', { receipts: [fake(KEY, 1), { foo: 1 }] }, /Item 1 of the receipt file .* is not a receipt/]
    ]
    for (const [name, json, message] of cases) {
      const path = file(dir, name, json)
      const err = await codeOf(() => loadReceipts(path, KEY))
      expect(err, name).to.equal('BAD_INPUT')
      expect(() => loadReceipts(path, KEY), name).to.throw(message)
    }
    expect(await codeOf(() => loadReceipts(join(dir, 'missing.json'), KEY))).to.equal('BAD_INPUT')
    const emptyDir = join(dir, 'empty-dir')
    mkdirSync(emptyDir)
    expect(() => loadReceipts(emptyDir, KEY)).to.throw(/holds no \*\.json receipt file/)
  })
})

describe('hyperseal receipts export → verify --receipt: the round trip against a real service', function () {
  this.timeout(300_000)
  let live: LiveService
  let writer: LocalWriter
  let receipts: Receipt[]

  before(async () => {
    live = await startService()
    writer = await localWriter()
    await live.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    // Two seals, so the core has two receipts and version 3 is decided by the first.
    for (const length of [3, 5]) {
      await appendN(writer.core, length - writer.core.length)
      await waitFor(() => live.service.watcher.watched().find((c) => c.key === writer.key)?.length === length, `the replica at length ${length}`)
      await live.service.sealNow()
    }
    receipts = (await live.service.coreReceipts(writer.key)).map((e) => e.receipt)
    expect(receipts.map((r) => r.head.length)).to.deep.equal([3, 5])
  })
  after(runCleanups)

  it('exports to a file, a directory and stdout; verify reads each, and the API\'s own answer, to `verified`', async () => {
    const out = tempDir('hs-export-')
    const listFile = join(out, 'receipts.json')
    const dir = join(out, 'by-receipt') + '/'
    const api = ['--api', live.url]
    const exports = await Promise.all([
      runCli(['receipts', 'export', writer.key, '-o', listFile, ...api]),
      runCli(['receipts', 'export', writer.key, '-o', dir, ...api]),
      runCli(['receipts', 'export', writer.key], { HYPERSEAL_HOST: '127.0.0.1', HYPERSEAL_PORT: String(live.port) })
    ])
    exports.forEach((run, i) => expect(run.code, `export ${i}: ${run.stderr}`).to.equal(0))
    expect(JSON.parse(readFileSync(listFile, 'utf8'))).to.deep.equal(receipts)
    expect(exports[0].stderr.trim()).to.equal(`exported 2 receipts of core ${writer.key} to ${listFile}`)
    expect(JSON.parse(exports[2].stdout)).to.deep.equal(receipts)
    const names = receipts.map((r) => `${r.head.length}-${r.head.fork}-${r.seal.root.slice(2, 10)}.json`)
    expect(readdirSync(dir).sort()).to.deep.equal([...names].sort())
    names.forEach((name, i) => expect(JSON.parse(readFileSync(join(dir, name), 'utf8'))).to.deep.equal(receipts[i]))

    // What GET /v1/cores/:key/receipts answers, saved as it is.
    const answerFile = join(out, 'api-answer.json')
    writeFileSync(answerFile, await (await fetch(`${live.url}/v1/cores/${writer.key}/receipts`)).text())

    // Receipt files are the offline mode, under a trust root: the service's, or the chain and contract by hand.
    const trustFile = join(out, 'trust.json')
    writeFileSync(trustFile, JSON.stringify(live.service.trust().root))
    const verify = (receipt: string, ...trust: string[]): string[] =>
      ['verify', writer.key, '3', '--offline', '--receipt', receipt, '--rpc', live.service.rpcUrl!, '--peer', `127.0.0.1:${writer.port}`, '--json', ...trust]
    const cases: Array<[string, string[]]> = [
      ['exported file', verify(listFile, '--trust', trustFile)],
      ['exported directory', verify(dir, '--trust', trustFile)],
      ['the API\'s answer', verify(answerFile, '--trust', trustFile)],
      ['the API\'s answer with --chain-id and --contract', verify(answerFile, '--chain-id', '31337', '--contract', receipts[0].seal.contract, '--confirmations', '1')]
    ]
    const runs: CliRun[] = []
    // Two at a time: each is a ts-node process and the machine has 2 cores.
    for (let i = 0; i < cases.length; i += 2) runs.push(...await Promise.all(cases.slice(i, i + 2).map(([, args]) => runCli(args))))
    cases.forEach(([what], i) => {
      expect(runs[i].code, `${what}: ${runs[i].stderr}`).to.equal(0)
      const verdict = JSON.parse(runs[i].stdout) as Verdict
      expect(verdict.status, what).to.equal('verified')
      expect(verdict.receipt, what).to.deep.equal(receipts[0])
    })
  })

  it('checks by hand as docs/formats.md says, with nothing of src/: signature, proof, chain, replica', async () => {
    const r = receipts[0]
    const blake2b = (...parts: Buffer[]): Buffer => {
      const out = Buffer.alloc(32)
      sodium.crypto_generichash_batch(out, parts)
      return out
    }
    const hypercore = blake2b(Buffer.from('hypercore'))
    const [TREE, MANIFEST] = [blake2b(hypercore, Buffer.from([0])), blake2b(hypercore, Buffer.from([3]))]
    // 1. The manifest hashes to the key; its public key (its last 32 bytes) signed the signable.
    const manifest = Buffer.from(r.head.manifest, 'hex')
    const key = Buffer.from(r.head.key, 'hex')
    expect(blake2b(MANIFEST, manifest).equals(key)).to.equal(true)
    expect([...manifest.subarray(0, 6)]).to.deep.equal([1, 0, 0, 1, 1, 0])
    const publicKey = manifest.subarray(manifest.length - 32)
    const multisig = Buffer.from(r.head.signature, 'hex')
    expect(multisig.length).to.equal(68)
    expect([multisig[0], multisig[1], multisig[66], multisig[67]]).to.deep.equal([1, 0, 0, 0])
    const u64le = (n: number): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b }
    const signable = Buffer.concat([TREE, key, Buffer.from(r.head.treeHash, 'hex'), u64le(r.head.length), u64le(r.head.fork)])
    expect(signable.length).to.equal(112)
    expect(sodium.crypto_sign_verify_detached(multisig.subarray(2, 66), signable, publicKey)).to.equal(true)
    // 2. The leaf is in the batch.
    const leaf = [`0x${r.head.key}`, r.head.length, r.head.fork, `0x${r.head.treeHash}`]
    expect(StandardMerkleTree.verify(r.seal.root, ['bytes32', 'uint64', 'uint64', 'bytes32'], leaf, r.proof)).to.equal(true)
    // 3. The root is on chain when the receipt says (against the contract this test trusts: the service's).
    const provider = new JsonRpcProvider(live.service.rpcUrl!, undefined, { staticNetwork: true })
    try {
      expect(Number((await provider.getNetwork()).chainId)).to.equal(r.seal.chainId)
      const hyperSeal = new Contract(live.service.info().contract, [
        'function sealedAt(bytes32 root) view returns (uint64 timestamp, uint64 blockNumber)',
        'event Sealed(bytes32 indexed root, uint64 indexed sequence, uint32 leafCount, address sealer)'
      ], provider)
      const [timestamp, blockNumber] = await hyperSeal.sealedAt(r.seal.root) as [bigint, bigint]
      expect([Number(timestamp), Number(blockNumber)]).to.deep.equal([r.seal.timestamp, r.seal.blockNumber])
      const block = (await provider.getBlock(r.seal.blockNumber))!
      expect([block.hash, block.timestamp]).to.deep.equal([r.seal.blockHash, r.seal.timestamp])
      const tx = (await provider.getTransactionReceipt(r.seal.txHash))!
      expect([tx.to?.toLowerCase(), tx.status, tx.blockNumber]).to.deep.equal([r.seal.contract.toLowerCase(), 1, r.seal.blockNumber])
      const sealed = tx.logs.map((log) => hyperSeal.interface.parseLog(log)).filter((e) => e?.name === 'Sealed')
      expect(sealed.map((e) => [e!.args.root, Number(e!.args.leafCount)])).to.deep.equal([[r.seal.root, r.seal.leafCount]])
    } finally {
      provider.destroy()
    }
    // 4. The replica holds that history.
    expect((await writer.core.treeHash(r.head.length)).toString('hex')).to.equal(r.head.treeHash)
  })

  it('follows `next` page by page (the first at the service\'s own size, then 1,000 at a time) and stops at a missing `next`', async () => {
    const asked: string[] = []
    // The real receipts, served one per page by a pager in front of nothing: the service's own
    // pagination is another part's work; this is the client's side of the contract.
    const url = await foreignServer((req, res) => {
      asked.push(req.url ?? '')
      const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams
      const at = query.get('cursor') === null ? 0 : Number(query.get('cursor')!.replace('page-', ''))
      const body = at === 0 ? { receipts: [receipts[0]], next: 'page-1' } : { receipts: [receipts[1]] }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    })
    const run = await runInProcess(['receipts', 'export', writer.key, '--api', url])
    expect(run.code, run.stderr).to.equal(0)
    expect(JSON.parse(run.stdout)).to.deep.equal(receipts)
    expect(asked).to.deep.equal([`/v1/cores/${writer.key}/receipts`, `/v1/cores/${writer.key}/receipts?limit=1000&cursor=page-1`])
  })

  it('fails with one line and writes nothing when the service is unreachable (4), answers something else (1), or -o is unusable (2)', async () => {
    const out = tempDir('hs-export-bad-')
    const page = (body: unknown) => foreignServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)) })
    const looping = await page({ receipts: [receipts[0]], next: 'again' })
    const otherCore = await page({ receipts: [{ ...receipts[0], head: { ...receipts[0].head, key: 'ef'.repeat(32) } }] })
    const notReceipt = await page({ receipts: [{ ...receipts[0], proof: 'no' }] })
    const noList = await page({ cores: [] })
    const port = await closedPort()
    const target = join(out, 'receipts.json')
    const cases: Array<[string[], number, RegExp]> = [
      [['--api', looping, '-o', target], 1, /sent a "next" cursor it had sent before/],
      [['--api', otherCore, '-o', target], 1, /is of core efef/],
      [['--api', notReceipt, '-o', target], 1, /not a valid v1 receipt/],
      [['--api', noList, '-o', target], 1, /an answer without a "receipts" list/],
      [['--api', `http://127.0.0.1:${port}`, '-o', target], 4, /cannot be reached/],
      [['--api', live.url, '-o', join(out, 'no-such-dir', 'receipts.json')], 2, /cannot be written \(ENOENT\)/]
    ]
    for (const [args, code, message] of cases) {
      const run = await runInProcess(['receipts', 'export', writer.key, ...args])
      expect(expectOneErrorLine(run as CliRun, code, args.join(' '))).to.match(message)
    }
    expect(readdirSync(out)).to.deep.equal([])
    const badKey = await runInProcess(['receipts', 'export', 'nope', '--api', live.url])
    expect(expectOneErrorLine(badKey as CliRun, 2, 'bad key')).to.match(/A Hypercore key must be 32 bytes/)
  })
})
