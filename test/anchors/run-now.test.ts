/**
 * Running the later anchors now, over HTTP (`POST /v1/anchors/run`, admin) and on the command
 * line (`hyperseal anchor [names...]`): an operator retrying a failed anchor need not wait for
 * its next tick. A failed run is in the answer (exit 1) with the API's public sentence, never
 * the RPC's details; a name the config lacks is the caller's input to fix (404, exit 2).
 */
import { expect } from 'chai'
import { JsonRpcProvider } from 'ethers'
import { sealCount } from '../faults/helpers'
import { onCleanup, runCleanups } from '../heads/helpers'
import { sealedWriter } from '../sealer/helpers'
import { expectOneErrorLine, lines, runCli, startService, type LiveService } from '../cli/helpers'
import { anchorsConfig, secondaryChain } from './helpers'

const DEV_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'

describe('anchors: run now (POST /v1/anchors/run, hyperseal anchor)', function () {
  this.timeout(300_000)
  let l1: { rpcUrl: string, chainId: number, contract: string }
  let live: LiveService
  let env: Record<string, string>
  after(runCleanups)

  before(async () => {
    l1 = await secondaryChain(31345)
    live = await startService(anchorsConfig(l1))
    env = { HYPERSEAL_ADMIN_TOKEN: live.token, HYPERSEAL_HOST: '127.0.0.1', HYPERSEAL_PORT: String(live.port) }
  })

  interface Answer { runs?: Array<{ name: string, ok: boolean }>, error?: { code: string, message: string } }
  const post = async (path: string, token?: string): Promise<{ status: number, body: Answer }> => {
    const res = await fetch(`${live.url}${path}`, { method: 'POST', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
    return { status: res.status, body: await res.json() as Answer }
  }

  it('needs the admin token, and refuses names that cannot be anchors (400) or are not configured (404)', async () => {
    expect((await post('/v1/anchors/run')).status).to.equal(401)
    expect((await post('/v1/anchors/run', 'not-the-token')).status).to.equal(403)
    const bad = await post('/v1/anchors/run?anchors=l1,bad%20name', live.token)
    expect([bad.status, bad.body.error?.code]).to.deep.equal([400, 'BAD_REQUEST'])
    const unknown = await post('/v1/anchors/run?anchors=l1,nope', live.token)
    expect([unknown.status, unknown.body.error?.code]).to.deep.equal([404, 'NO_SUCH_ANCHOR'])
    expect(unknown.body.error?.message).to.equal('No anchor named "nope"; the configured later anchors are: l1.')
    expect(await sealCount(l1.rpcUrl, l1.contract), 'nothing ran for a refused request').to.equal(0)

    const cli = await runCli(['anchor', 'nope'], env)
    expect(expectOneErrorLine(cli, 2, 'anchor nope')).to.equal('error: No anchor named "nope"; the configured later anchors are: l1.')
    const usage = await runCli(['anchor', 'bad name'], env)
    expect(expectOneErrorLine(usage, 2, 'anchor "bad name"')).to.match(/^error: "bad name" is not an anchor name/)
  })

  it('a run that fails is reported (exit 1) without RPC details; run again once fixed, it covers the batch', async () => {
    const provider = new JsonRpcProvider(l1.rpcUrl, undefined, { staticNetwork: true })
    onCleanup(() => provider.destroy())
    const writer = await sealedWriter(live.service, 2)
    // The secondary sealer cannot pay: the run fails.
    const balance = await provider.send('eth_getBalance', [DEV_ADDRESS, 'latest']) as string
    await provider.send('anvil_setBalance', [DEV_ADDRESS, '0x0'])
    const failed = await runCli(['anchor', '--json'], env)
    expect(failed.code, failed.stderr).to.equal(1)
    const answer = JSON.parse(failed.stdout) as { runs: Array<{ name: string, ok: boolean, error?: { code: string, message: string } }> }
    expect(answer.runs.map((r) => [r.name, r.ok])).to.deep.equal([['l1', false]])
    expect(answer.runs[0].error?.code).to.be.a('string').and.not.equal('')
    expect(failed.stdout).to.not.include(new URL(l1.rpcUrl).host)
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(0)

    await provider.send('anvil_setBalance', [DEV_ADDRESS, balance])
    const ran = await runCli(['anchor', 'l1'], env)
    expect(ran.code, ran.stderr).to.equal(0)
    expect(lines(ran.stdout)).to.deep.equal(['l1: ran; every batch so far is covered'])
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(1)
    const receipt = (await live.service.coreReceipts(writer.key))[0].receipt
    expect(receipt.anchors?.map((a) => a.type)).to.deep.equal(['evm'])
    expect((await live.service.verify(writer.key, 2)).clocks?.map((c) => [c.name, c.ok])).to.deep.equal([['primary', true], ['l1', true]])

    // Over HTTP, with nothing new: the run succeeds and sends nothing.
    const again = await post('/v1/anchors/run', live.token)
    expect([again.status, again.body]).to.deep.equal([200, { runs: [{ name: 'l1', ok: true }] }])
    expect(await sealCount(l1.rpcUrl, l1.contract)).to.equal(1)
  })
})
