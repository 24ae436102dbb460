/**
 * Alerts from a real service (anvil, Hypercores over TCP on 127.0.0.1, a webhook receiver on
 * 127.0.0.1): every kind delivered and checked with the receiver's verifyAlert, each once per
 * transition; none lost across a service restart while the receiver is down; the incident
 * alert carries the evidence and one sentence, and a restart that meets the fork again does not
 * alert again. Waits are on conditions, never on the clock.
 */
import { expect } from 'chai'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { JsonRpcProvider } from 'ethers'
import { OUTBOX_FILE } from '../../src/alerts'
import { buildApp, createLogger } from '../../src/api'
import { startEmbeddedChain, type EmbeddedChain } from '../../src/chain'
import { loadConfig, redactConfig } from '../../src/config'
import { HypersealService, type ServiceOptions } from '../../src/service'
import { appendN, childWriter, codeOf, onCleanup, runCleanups, tempDir, twoWritersOneKey, waitFor } from '../heads/helpers'
import { closedPort } from '../cli/helpers'
import { openService, replicaAt, replicationAddress, testConfig, watchedPair } from '../sealer/helpers'
import { SECRET, TestReceiver, URL_TOKEN } from './helpers'

const FAST: ServiceOptions['alertRetry'] = { baseMs: 50, maxMs: 500 }

function alertEnv (url: string, extra: Record<string, string> = {}): Record<string, string> {
  return { HYPERSEAL_ALERT_URLS: url, HYPERSEAL_ALERT_SECRET: SECRET, ...extra }
}

function capturedLogger (): { logger: ReturnType<typeof createLogger>, text: () => string } {
  const out: string[] = []
  const destination = new Writable({ write (chunk: Buffer, _enc, cb) { out.push(chunk.toString()); cb() } })
  return { logger: createLogger({ level: 'debug', destination }), text: () => out.join('') }
}

describe('alerts: from a real service', function () {
  this.timeout(240_000)
  afterEach(runCleanups)

  it('delivers core_stale, core_back, pass_failed, anchor_behind, balance_low and test, signed, once each', async () => {
    const receiver = await TestReceiver.start()
    const chainDir = tempDir('hs-chain-')
    const chainPort = await closedPort()
    const holder: { chain: EmbeddedChain } = { chain: await startEmbeddedChain({ dataDir: chainDir, port: chainPort }) }
    onCleanup(() => holder.chain.stop())
    const { logger, text } = capturedLogger()
    const env = alertEnv(receiver.url, { HYPERSEAL_ALERT_PASS_FAILURES: '2', HYPERSEAL_PASS_BUDGET: '5' })
    const service = await HypersealService.open(testConfig(tempDir('hs-service-'), {
      HYPERSEAL_RPC: holder.chain.rpcUrl, HYPERSEAL_CONTRACT: holder.chain.contractAddress, HYPERSEAL_SEALER_KEY: holder.chain.sealerKey, ...env
    }), { updateTimeoutMs: 2000, logger, alertRetry: FAST })
    onCleanup(() => service.close())
    const provider = new JsonRpcProvider(holder.chain.rpcUrl, undefined, { staticNetwork: true })
    onCleanup(() => provider.destroy())
    const delivered = async (kind: string, n = 1): Promise<void> => { await waitFor(() => receiver.ofKind(kind as never).length >= n, `${kind} delivered`, 30_000) }

    const { a, b } = await watchedPair(service)
    expect((await service.sealNow()).batch).to.not.equal(null)

    // Funds: a balance that lasts hours at the spend rate of that seal; then funded again.
    const sealer = service.info().sealer!
    await provider.send('anvil_setBalance', [sealer, '0x' + (10n ** 14n).toString(16)])
    await service.checkAlerts()
    await delivered('balance_low')
    const low = receiver.ofKind('balance_low')[0]
    expect(low.details.daysLeft).to.be.a('number').and.below(7)
    expect(low.summary).to.include(sealer)
    await provider.send('anvil_setBalance', [sealer, '0x' + (10n ** 22n).toString(16)])

    // The anchor, judged an hour from now with no pass in between: behind (3 × 60 s).
    await service.checkAlerts(Date.now() + 3600_000)
    await delivered('anchor_behind')
    expect(receiver.ofKind('anchor_behind')[0].details).to.deep.include({ anchor: 'primary', intervalSeconds: 60, factor: 3 })
    expect(receiver.ofKind('anchor_behind')[0].summary).to.include('new heads are not being sealed')
    await service.checkAlerts() // caught up now: the flag clears, nothing is sent

    // A writer that announced a head and went away: stale on every pass, told once.
    await a.send('append 1')
    await replicaAt(service, a.key, 6)
    await a.exit()
    await service.sealNow()
    await delivered('core_stale')
    await service.sealNow()
    expect(receiver.ofKind('core_stale')[0]).to.deep.include({ key: a.key })

    // The chain down: passes fail; the second in a row alerts, the third does not.
    await appendN(b.core, 1)
    await replicaAt(service, b.key, 4)
    await holder.chain.stop()
    for (let i = 0; i < 3; i++) expect(await codeOf(service.sealNow())).to.equal('RPC_UNREACHABLE')
    await delivered('pass_failed')
    expect(receiver.ofKind('pass_failed')[0].details).to.deep.include({ failuresInARow: 2 })
    holder.chain = await startEmbeddedChain({ dataDir: chainDir, port: chainPort })

    // The writer back, pushing to the service: sealed, and told once.
    const back = await childWriter({ storage: a.storage })
    await back.send(`dial ${await replicationAddress(service)}`)
    await waitFor(async () => (await service.sealNow().catch(() => null))?.batch?.heads.some((h) => h.key === a.key) ?? null, 'the writer sealed once back', 60_000)
    await delivered('core_back')

    const answers = await service.testAlerts()
    expect(answers).to.deep.equal([{ receiver: `http://127.0.0.1:${receiver.port}`, ok: true, status: 200, answer: 'thanks', error: null }])
    await delivered('test')

    // Every request verified with the shared secret; each condition told exactly once.
    expect(receiver.alerts()).to.have.length(receiver.got.length)
    const kinds = receiver.alerts().map((x) => x.kind).sort()
    expect(kinds).to.deep.equal(['anchor_behind', 'balance_low', 'core_back', 'core_stale', 'pass_failed', 'test'])
    for (const alert of receiver.alerts()) {
      expect(alert.summary, alert.kind).to.match(/^[^\n]{10,400}$/)
      expect(alert.service).to.deep.equal({ receiptsLog: service.info().receiptsLog, chainId: service.info().chainId, contract: service.info().contract })
    }

    // GET /v1/alerts (admin) shows them delivered, by origin only.
    const app = buildApp({ service, adminToken: service.adminToken, metrics: service.registry, site: false })
    onCleanup(() => app.close())
    expect((await app.inject({ method: 'GET', url: '/v1/alerts' })).statusCode).to.equal(401)
    const res = await app.inject({ method: 'GET', url: '/v1/alerts', headers: { authorization: `Bearer ${service.adminToken}` } })
    expect(res.statusCode).to.equal(200)
    const view = res.json() as { receivers: string[], signing: string, deliveries: Array<{ kind: string, state: string }> }
    expect(view.receivers).to.deep.equal([`http://127.0.0.1:${receiver.port}`])
    expect(view.signing).to.equal('hmac-sha256')
    expect(view.deliveries.filter((d) => d.state === 'delivered').map((d) => d.kind).sort()).to.deep.equal(kinds.filter((k) => k !== 'test'))

    // The secret and the URL's token are in no log line and no answer.
    const everything = text() + res.body + JSON.stringify(redactConfig(loadConfig({ env: { HYPERSEAL_DATA: tempDir('hs-x-'), ...env } })))
    expect(everything).to.not.include(SECRET)
    expect(everything).to.not.include(URL_TOKEN)
  })

  it('sends an incident with its evidence and one sentence, once, even when a restart meets the fork again', async () => {
    const receiver = await TestReceiver.start()
    const { w1, w2 } = await twoWritersOneKey(10)
    await w1.send('append 2')
    await w2.send('append 5')
    const dataDir = tempDir('hs-alert-incident-')
    const env = alertEnv(receiver.url)
    let { service } = await openService({ dataDir, env, alertRetry: FAST })
    await service.watchCore(w1.key, [`127.0.0.1:${w1.port}`])
    await replicaAt(service, w1.key, 12)
    await service.sealNow()
    await service.watchCore(w1.key, [`127.0.0.1:${w2.port}`])
    await waitFor(() => receiver.ofKind('incident').length === 1, 'the incident alert', 30_000)
    const alert = receiver.ofKind('incident')[0]
    expect(alert.key).to.equal(w1.key)
    expect(alert.summary).to.match(/fork/)
    expect(alert.summary.split(/\.\s/)).to.have.length(1)
    const incident = alert.details.incident as { kind: string, sealed: { signature: string }, observed: { signature: string }, evidence: { source: string } }
    expect(incident.kind).to.equal('fork')
    expect(incident.sealed.signature).to.match(/^[0-9a-f]{128,}$/)
    expect(incident.observed.signature).to.match(/^[0-9a-f]{128,}$/)
    expect(incident.evidence.source).to.equal('hypercore-conflict')

    await service.close()
    ;({ service } = await openService({ dataDir, env, alertRetry: FAST }))
    await waitFor(async () => (await service.listIncidents({ key: w1.key })).length === 1 && (service.watcher.watched().find((w) => w.key === w1.key)?.length ?? 0) >= 12, 'reopened with its incident')
    await service.sealNow().catch(() => null)
    await service.testAlerts() // a marker: anything sent before it has arrived
    await waitFor(() => receiver.ofKind('test').length === 1, 'the marker')
    expect(receiver.ofKind('incident')).to.have.length(1)

    // A crash between the incident's write and its alert's: the delivery log without the
    // incident's records. The next start tells it, once.
    await service.close()
    const file = join(dataDir, OUTBOX_FILE)
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').filter((l) => !l.includes('incident')).join('\n'))
    ;({ service } = await openService({ dataDir, env, alertRetry: FAST }))
    await waitFor(() => receiver.ofKind('incident').length === 2, 'the incident told after the restart')
    expect(receiver.ofKind('incident')[1].details.incident).to.deep.equal(receiver.ofKind('incident')[0].details.incident)

    // A data directory from before alerts (no delivery log): its incidents are taken as told.
    await service.close()
    rmSync(file)
    ;({ service } = await openService({ dataDir, env, alertRetry: FAST }))
    await service.testAlerts()
    await waitFor(() => receiver.ofKind('test').length === 2, 'the second marker')
    expect(receiver.ofKind('incident')).to.have.length(2)
  })

  it('loses no accepted alert across a restart while the receiver is down', async () => {
    const port = await closedPort()
    const url = `http://127.0.0.1:${port}/hook?token=${URL_TOKEN}`
    const dataDir = tempDir('hs-alert-restart-')
    let { service } = await openService({ dataDir, env: alertEnv(url, { HYPERSEAL_ALERT_BALANCE_DAYS: '0' }), alertRetry: FAST })
    await service.checkAlerts(Date.now() + 3600_000)
    await waitFor(() => service.alertsOverview().deliveries.some((d) => d.state === 'pending' && d.attempts >= 2), 'the alert retried against the dead receiver')
    const id = service.alertsOverview().deliveries[0].id
    await service.close()

    const receiver = await TestReceiver.start({ port })
    ;({ service } = await openService({ dataDir, env: alertEnv(url, { HYPERSEAL_ALERT_BALANCE_DAYS: '0' }), alertRetry: FAST }))
    await waitFor(() => receiver.alerts().length === 1, 'the pending alert delivered after the restart', 30_000)
    expect(receiver.alerts()[0]).to.deep.include({ id, kind: 'anchor_behind' })
    // Still behind an hour on: the condition was told already, before the restart.
    await service.checkAlerts(Date.now() + 3600_000)
    await service.testAlerts()
    await waitFor(() => receiver.ofKind('test').length === 1, 'the marker')
    expect(receiver.ofKind('anchor_behind')).to.have.length(1)
  })
})
