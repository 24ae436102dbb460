/**
 * Anchors, plural (issue 15 items 1–2), on real parts: the service's embedded anvil (chain 31337)
 * as the primary chain every pass, a second anvil (chain 31338) as the secondary anchor and a
 * local RFC 3161 TSA (OpenSSL `ts`, test/support/tsa.ts), each run by the test (`anchorNow`)
 * where its schedule would (schedule.test.ts drives a real cron).
 */
import { expect } from 'chai'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createChainReader, type ChainReader } from '../../src/chain'
import { gatherVerifyInput, pin, type AnchorSources } from '../../src/evidence'
import { parseReceipt, type Receipt } from '../../src/seal'
import { RFC3161 } from '../../src/service/anchors'
import { parseTrustRoot, type TrustRoot } from '../../src/trust'
import { assess, type Verdict } from '../../src/verify'
import { onCleanup, runCleanups, tempDir } from '../heads/helpers'
import { runCli, type CliRun } from '../cli/helpers'
import { openService, sealedWriter } from '../sealer/helpers'
import { anchorsConfig, secondaryChain, testTsa } from './helpers'

const SECONDARY = 31338

describe('anchors: a secondary chain and an RFC 3161 TSA on every receipt', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  async function reader (rpcUrl: string): Promise<ChainReader> {
    const r = await createChainReader({ rpcUrl })
    onCleanup(() => r.close())
    return r
  }

  it('seals the primary every pass, the TSA and the secondary when run; receipts carry both and the TSA token; every clock checks', async () => {
    const l1 = await secondaryChain(SECONDARY)
    const tsa = await testTsa()
    const { service } = await openService({ env: anchorsConfig(l1, { tsa }) })
    const writer = await sealedWriter(service, 5) // pass 1: primary
    expect(await service.anchorNow(['tsa'])).to.deep.equal([{ name: 'tsa', ok: true }])

    const first = await service.verify(writer.key, 5)
    expect(first.status).to.equal('verified')
    expect(first.clocks?.map((c) => [c.name, c.ok])).to.deep.equal([['primary', true], ['tsa', true]])
    expect(tsa.requests).to.be.greaterThan(0)

    await service.sealNow() // pass 2: the log-only batch of the TSA's records
    expect(await service.anchorNow(['l1'])).to.deep.equal([{ name: 'l1', ok: true }]) // covers every batch so far
    const [entry] = await service.coreReceipts(writer.key)
    const receipt = entry.receipt
    expect(receipt.v).to.equal(2)
    expect(receipt.anchors?.map((a) => a.type).sort()).to.deep.equal(['evm', 'rfc3161'])
    const evm = receipt.anchors?.find((a) => a.type === 'evm')
    expect(evm?.type === 'evm' && evm.seal.chainId).to.equal(SECONDARY)

    const verdict = await service.verify(writer.key, 5)
    expect(verdict.status).to.equal('verified')
    const clocks = verdict.clocks ?? []
    expect(clocks.map((c) => [c.name, c.ok, c.final])).to.deep.equal([['primary', true, true], ['l1', true, true], ['tsa', true, true]])
    // sealedAt is the earliest final clock.
    expect(verdict.sealedAt).to.equal(clocks.map((c) => c.time as string).sort()[0])

    const root: TrustRoot = service.trust().root
    expect(root.v).to.equal(2)
    expect(root.chains.map((c) => c.chainId)).to.include(SECONDARY)
    expect(root.timestampAuthorities?.map((t) => t.name)).to.deep.equal(['tsa'])
    expect(parseTrustRoot(JSON.parse(JSON.stringify(root)))).to.deep.equal(root)

    // Independently of the service: the trust root, both chains' RPC, the TSA's certificate.
    const primary = await reader(service.rpcUrl as string)
    const secondary = await reader(l1.rpcUrl)
    const trust = pin(parseTrustRoot(JSON.parse(JSON.stringify(root))))
    const anchors: AnchorSources = { chains: new Map([[SECONDARY, secondary]]), timestamps: RFC3161.verify }
    const judge = async (receipts: Receipt[], sources: { anchors?: AnchorSources } = { anchors }): Promise<{ verdict: Verdict, finding: string }> => {
      const replica = await service.watcher.replicaSource(writer.key)
      const { input } = await gatherVerifyInput({ key: writer.key, version: 5, receipts }, { replica, chain: primary, trust, ...sources })
      return assess(input)
    }
    const good = await judge([receipt])
    expect(good.verdict.status).to.equal('verified')
    expect(good.verdict.clocks?.every((c) => c.ok === true)).to.equal(true)

    // A secondary root that does not include this batch root: refused, never dropped.
    const notIncluded = withAnchor(receipt, 'evm', (a) => ({ ...a, seal: { ...a.seal, root: '0x' + '11'.repeat(32) } }))
    const refused = await judge([notIncluded])
    expect(refused.verdict.status).to.equal('invalid')
    expect(refused.finding).to.equal('BAD_ANCHOR')
    expect(refused.verdict.reason).to.match(/anchor l1/)

    // A proof that leads elsewhere.
    const badProof = withAnchor(receipt, 'evm', (a) => ({ ...a, proof: ['0x' + '22'.repeat(32), ...a.proof] }))
    expect((await judge([badProof])).finding).to.equal('BAD_ANCHOR')

    // A token that is not the TSA's (cut short): refused.
    const badToken = withAnchor(receipt, 'rfc3161', (a) => ({ ...a, token: Buffer.from(Buffer.from(a.token, 'base64').subarray(0, 200)).toString('base64') }))
    const tokenVerdict = await judge([badToken])
    expect(tokenVerdict.finding).to.equal('BAD_ANCHOR')
    expect(tokenVerdict.verdict.checks.find((c) => c.check === 'anchor' && c.detail.startsWith('tsa:'))?.ok).to.equal(false)

    // The CLI, without the service: the pinned trust root, an RPC per chain, the writer as the replica.
    const files = tempDir('hs-anchors-cli-')
    const trustFile = join(files, 'trust.json')
    writeFileSync(trustFile, JSON.stringify(root))
    writeFileSync(join(files, 'good.json'), JSON.stringify(receipt))
    writeFileSync(join(files, 'bad.json'), JSON.stringify(notIncluded))
    const cli = (extra: string[]): Promise<CliRun> => runCli(['verify', writer.key, '5', '--trust', trustFile, '--rpc', service.rpcUrl as string, '--anchor-rpc', l1.rpcUrl, '--peer', `127.0.0.1:${writer.port}`, '--timeout', '20', '--json', ...extra])
    const [offline, witness, tampered] = await Promise.all([
      cli(['--offline', '--receipt', join(files, 'good.json')]),
      cli([]), // receipts from the service's receipts log, joined with their anchors
      cli(['--offline', '--receipt', join(files, 'bad.json')])
    ])
    for (const run of [offline, witness]) {
      expect(run.code, run.stderr).to.equal(0)
      const v = JSON.parse(run.stdout) as Verdict
      expect(v.clocks?.map((c) => [c.name, c.ok])).to.deep.equal([['primary', true], ['l1', true], ['tsa', true]])
      expect(v.sealedAt).to.equal(verdict.sealedAt)
    }
    expect(tampered.code, tampered.stderr).to.equal(1)
    expect((JSON.parse(tampered.stdout) as Verdict).status).to.equal('invalid')

    // No endpoint for the secondary chain, no token checker: those clocks are named as not checked, the primary still decides.
    const unchecked = await judge([receipt], { anchors: {} })
    expect(unchecked.verdict.status).to.equal('verified')
    expect(unchecked.verdict.clocks?.map((c) => [c.name, c.ok])).to.deep.equal([['primary', true], ['l1', null], ['tsa', null]])
  })

  it('a v1 receipt still parses and stays v1; a v1 trust root still parses', () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/receipt-v1.json'), 'utf8')) as unknown
    const parsed = parseReceipt(fixture)
    expect(parsed.v).to.equal(1)
    expect(parsed).to.not.have.property('anchors')

    const v1Root = { v: 1, kind: 'hyperseal-trust-root', name: 'x', chains: [{ chainId: 1, embedded: false, contracts: [{ address: '0x' + '11'.repeat(20), codeHash: '0x' + '22'.repeat(32), deployBlock: 0 }], finality: { confirmations: 1 } }], receiptsLogs: [], reportKeys: [] }
    const root = parseTrustRoot(v1Root)
    expect(root.v).to.equal(1)
    expect(root).to.not.have.property('timestampAuthorities')
    expect(() => parseTrustRoot({ ...v1Root, timestampAuthorities: [] })).to.throw(/unknown field/)
    expect(() => parseTrustRoot({ ...v1Root, v: 2 })).to.throw(/lacks timestampAuthorities/)
  })
})

function withAnchor<T extends NonNullable<Receipt['anchors']>[number]['type']> (receipt: Receipt, type: T, change: (a: Extract<NonNullable<Receipt['anchors']>[number], { type: T }>) => unknown): Receipt {
  const copy = JSON.parse(JSON.stringify(receipt)) as Receipt
  copy.anchors = copy.anchors?.map((a) => (a.type === type ? change(a as Extract<typeof a, { type: T }>) : a)) as Receipt['anchors']
  return copy
}
