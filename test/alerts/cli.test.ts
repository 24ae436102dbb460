/**
 * `hyperseal alerts test` and `hyperseal alerts list` against a real service with its API
 * listening on 127.0.0.1: the receiver's answer printed, exit 0 when every receiver took it,
 * 1 when one refused or none is configured.
 */
import { expect } from 'chai'
import { verifyAlert } from '../../src/alerts'
import { runCleanups } from '../heads/helpers'
import { lines, runInProcess, startService } from '../cli/helpers'
import { SECRET, TestReceiver, URL_TOKEN } from './helpers'

describe('alerts: the CLI (hyperseal alerts test|list)', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  it('sends a signed test alert, prints each receiver\'s answer, and exits 1 when one refuses', async () => {
    const good = await TestReceiver.start({ answer: () => ({ status: 200, body: 'received, thanks' }) })
    const bad = await TestReceiver.start({ answer: () => ({ status: 401, body: 'bad signature' }) })
    const live = await startService({ HYPERSEAL_ALERT_URLS: `${good.url},${bad.url}`, HYPERSEAL_ALERT_SECRET: SECRET })
    const run = await runInProcess(['alerts', 'test', '--api', live.url, '--data', live.dataDir])
    expect(run.code, run.stderr).to.equal(1)
    const out = lines(run.stdout)
    expect(out).to.include(`http://127.0.0.1:${good.port}: ok HTTP 200`)
    expect(out).to.include('  received, thanks')
    expect(out).to.include(`http://127.0.0.1:${bad.port}: FAILED HTTP 401`)
    expect(run.stdout + run.stderr).to.not.include(URL_TOKEN)
    const got = good.got[0]
    expect(verifyAlert({ body: got.body, headers: got.headers, secret: SECRET })).to.deep.include({ ok: true })
    expect(JSON.parse(got.body)).to.deep.include({ kind: 'test' })

    const json = await runInProcess(['alerts', 'test', '--api', live.url, '--data', live.dataDir, '--json'])
    const answers = (JSON.parse(json.stdout) as { answers: Array<{ ok: boolean }> }).answers
    expect(answers.map((a) => a.ok).sort()).to.deep.equal([false, true])

    const list = await runInProcess(['alerts', 'list', '--api', live.url, '--data', live.dataDir])
    expect(list.code, list.stderr).to.equal(0)
    expect(lines(list.stdout)[0]).to.equal(`receivers: http://127.0.0.1:${good.port}, http://127.0.0.1:${bad.port}`)
    expect(lines(list.stdout)[1]).to.equal('signing: hmac-sha256')
  })

  it('says so, with exit 1, when no webhook is configured', async () => {
    const live = await startService()
    const run = await runInProcess(['alerts', 'test', '--api', live.url, '--data', live.dataDir])
    expect(run.code).to.equal(1)
    expect(lines(run.stderr)).to.have.length(1)
    expect(run.stderr).to.match(/No webhook is configured: set HYPERSEAL_ALERT_URLS/)
  })
})
