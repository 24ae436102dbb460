/**
 * The alerter on its own (a real outbox file in a temp dir, real receivers on 127.0.0.1):
 * once per transition, retried after a 500 and after a receiver that is down, nothing lost
 * across a close and reopen, a bounded outbox with a counted drop, a torn last write ignored
 * and a damaged log refused. Waits are on conditions, never on the clock.
 */
import { expect } from 'chai'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { Registry } from 'prom-client'
import { createLogger } from '../../src/api'
import { Alerter, DEFAULT_THRESHOLDS, OUTBOX_FILE, type AlertsSettings, type Observation } from '../../src/alerts'
import { codeOf, onCleanup, runCleanups, tempDir, waitFor } from '../heads/helpers'
import { closedPort } from '../cli/helpers'
import { SECRET, TestReceiver, URL_TOKEN } from './helpers'

const SERVICE = { receiptsLog: 'ab'.repeat(32), chainId: 31337, contract: '0x' + '12'.repeat(20) }
const FAST = { baseMs: 20, maxMs: 200 }
const KEY = 'cd'.repeat(32)

function settings (urls: string[], extra: Partial<AlertsSettings> = {}): AlertsSettings {
  return { urls, signing: { hmac: SECRET }, thresholds: { ...DEFAULT_THRESHOLDS, passFailures: 2 }, maxPending: 100, ...extra }
}

async function openAlerter (dir: string, s: AlertsSettings, logs?: string[], retry = FAST): Promise<{ alerter: Alerter, registry: Registry }> {
  const registry = new Registry()
  const destination = new Writable({ write (chunk: Buffer, _enc, cb) { logs?.push(chunk.toString()); cb() } })
  const alerter = await Alerter.open({ dir, settings: s, service: SERVICE, logger: createLogger({ level: 'debug', destination }), registry, retry })
  onCleanup(() => alerter.close())
  return { alerter, registry }
}

const staleOf = (key: string): Observation => ({ kind: 'core_stale', cores: [{ key, since: '2026-11-30T00:00:00.000Z', reason: 'no peer answered', lastHead: { length: 3, fork: 0 } }] })
const stale = staleOf(KEY)

describe('alerts: the alerter and its outbox (src/alerts)', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('alerts once per transition: stale once however often seen, back once, N failed passes once', async () => {
    const receiver = await TestReceiver.start()
    const { alerter } = await openAlerter(tempDir('hs-alerts-'), settings([receiver.url]))
    for (let i = 0; i < 3; i++) await alerter.observe(stale)
    await alerter.observe({ kind: 'core_back', keys: [KEY] })
    await alerter.observe({ kind: 'core_back', keys: [KEY] })
    for (let i = 0; i < 4; i++) await alerter.observe({ kind: 'pass', error: { code: 'RPC_UNREACHABLE', message: 'down' } })
    await alerter.observe({ kind: 'pass', error: null })
    await alerter.observe({ kind: 'pass', error: { message: 'once' } }) // one failure after a success: below N
    await waitFor(() => receiver.alerts().length === 3, 'three alerts delivered')
    expect(receiver.alerts().map((a) => a.kind)).to.have.members(['core_stale', 'core_back', 'pass_failed'])
    expect(receiver.ofKind('pass_failed')[0].details).to.deep.include({ failuresInARow: 2 })
    expect(receiver.got.every((g) => g.path === `/hook?token=${URL_TOKEN}`)).to.equal(true)
    await waitFor(() => alerter.overview().deliveries.filter((d) => d.state === 'delivered').length === 3, 'three deliveries ended')
    expect(receiver.got).to.have.length(3)
  })

  it('tells many cores going stale in one pass as one alert, and only those not stale already', async () => {
    const receiver = await TestReceiver.start()
    const { alerter } = await openAlerter(tempDir('hs-alerts-'), settings([receiver.url]))
    const keys = Array.from({ length: 250 }, (_, i) => i.toString(16).padStart(64, '0'))
    await alerter.observe(staleOf(keys[0]))
    const many = keys.map((key) => ({ key, since: '2026-11-30T00:00:00.000Z', reason: 'the peer 127.0.0.1:9 refused', lastHead: null }))
    await alerter.observe({ kind: 'core_stale', cores: many })
    await alerter.observe({ kind: 'core_stale', cores: many })
    await alerter.observe({ kind: 'core_back', keys })
    await waitFor(() => receiver.alerts().length === 3, 'three alerts')
    const [one, rest] = receiver.ofKind('core_stale')
    expect(one.key).to.equal(keys[0])
    expect(rest.key).to.equal(undefined)
    expect(rest.details.count).to.equal(249)
    expect((rest.details.cores as unknown[]).length).to.equal(100)
    expect(rest.summary).to.match(/^249 cores went stale in one pass/)
    expect(receiver.ofKind('core_back')[0].details.count).to.equal(250)
  })

  it('retries after the receiver answers 500, with a fresh signature each time', async () => {
    const receiver = await TestReceiver.start({ answer: (n) => (n < 2 ? { status: 500, body: 'broken' } : { status: 204, body: '' }) })
    const { alerter, registry } = await openAlerter(tempDir('hs-alerts-'), settings([receiver.url]))
    await alerter.observe(stale)
    const done = await waitFor(() => alerter.overview().deliveries.find((d) => d.state === 'delivered'), 'delivered after two 500s')
    expect(done.attempts).to.equal(3)
    expect(receiver.got).to.have.length(3)
    expect(receiver.alerts()).to.have.length(3) // each attempt verifies on its own
    expect(new Set(receiver.got.map((g) => g.headers['hyperseal-alert-id'])).size).to.equal(1)
    expect(await registry.getSingleMetricAsString('hyperseal_alert_deliveries_total')).to.match(/result="delivered"} 1$/m)
  })

  it('retries a receiver that is down until it is up, and keeps pending alerts across a close and reopen', async () => {
    const port = await closedPort()
    const dir = tempDir('hs-alerts-')
    const s = settings([`http://127.0.0.1:${port}/hook?token=${URL_TOKEN}`])
    const first = await openAlerter(dir, s)
    await first.alerter.observe(stale)
    await first.alerter.observe({ kind: 'pass', error: { message: 'a' } })
    await first.alerter.observe({ kind: 'pass', error: { message: 'b' } })
    await waitFor(() => first.alerter.overview().deliveries.every((d) => d.state === 'pending' && d.attempts >= 2) && first.alerter.overview().pending === 2, 'two deliveries failing, retried')
    const ids = first.alerter.overview().deliveries.map((d) => d.id).sort()
    await first.alerter.close()

    const receiver = await TestReceiver.start({ port })
    const second = await openAlerter(dir, s)
    await waitFor(() => receiver.alerts().length === 2, 'both alerts delivered after the reopen')
    expect(receiver.alerts().map((a) => a.id).sort()).to.deep.equal(ids)
    // The flags came back with the log: the same conditions are not news.
    await second.alerter.observe(stale)
    await second.alerter.observe({ kind: 'pass', error: { message: 'c' } })
    await second.alerter.observe({ kind: 'pass', error: { message: 'd' } })
    await waitFor(() => second.alerter.overview().pending === 0, 'nothing pending')
    expect(receiver.alerts()).to.have.length(2)
  })

  it('bounds the outbox: past the cap an alert is dropped, counted and shown; the file stays small', async () => {
    const port = await closedPort()
    const dir = tempDir('hs-alerts-')
    const logs: string[] = []
    // Retried every millisecond or two: enough attempts to pass the compaction threshold quickly.
    const { alerter, registry } = await openAlerter(dir, settings([`http://127.0.0.1:${port}/x`], { maxPending: 3 }), logs, { baseMs: 1, maxMs: 2 })
    for (let i = 0; i < 5; i++) await alerter.observe(staleOf(i.toString(16).padStart(64, '0')))
    const view = alerter.overview()
    expect(view.pending).to.equal(3)
    expect(view.deliveries.filter((d) => d.state === 'dropped')).to.have.length(2)
    expect(await registry.getSingleMetricAsString('hyperseal_alert_deliveries_total')).to.match(/result="dropped"} 2$/m)
    expect(logs.some((l) => l.includes('outbox is full'))).to.equal(true)
    // A dead receiver retried 3 × 500 times: the log is compacted, never growing with the attempts
    // (at most twice the live records, plus the slack of 1,000, plus the 100 recent ends).
    await waitFor(() => alerter.overview().deliveries.every((d) => d.state !== 'pending' || d.attempts >= 500), '1,500 attempts', 50_000)
    const lines = readFileSync(join(dir, OUTBOX_FILE), 'utf8').trim().split('\n').length
    expect(lines).to.be.below(2 * (3 + 3 + 2 + 100) + 1000 + 10)
    expect(alerter.overview().pending).to.equal(3)
  })

  it('ignores a torn last write and refuses a damaged log', async () => {
    const dir = tempDir('hs-alerts-')
    const port = await closedPort()
    const s = settings([`http://127.0.0.1:${port}/`])
    const { alerter } = await openAlerter(dir, s)
    await alerter.observe(stale)
    await alerter.close()
    appendFileSync(join(dir, OUTBOX_FILE), '{"a":{"id":"torn')
    const again = await openAlerter(dir, s)
    expect(again.alerter.overview().pending).to.equal(1)
    await again.alerter.close()
    const text = readFileSync(join(dir, OUTBOX_FILE), 'utf8').split('\n')
    writeFileSync(join(dir, OUTBOX_FILE), [text[0], 'garbage', ...text.slice(1)].join('\n'))
    expect(await codeOf(Alerter.open({ dir, settings: s, service: SERVICE, logger: createLogger({ level: 'silent' }) }))).to.equal('OUTBOX_CORRUPT')
  })

  it('never logs the secret or the URL\'s token, whatever happens to a delivery', async () => {
    const receiver = await TestReceiver.start({ answer: (n) => (n === 0 ? { status: 500, body: 'no' } : { status: 200, body: 'ok' }) })
    const logs: string[] = []
    const { alerter } = await openAlerter(tempDir('hs-alerts-'), settings([receiver.url, `http://127.0.0.1:${await closedPort()}/p?token=${URL_TOKEN}`]), logs)
    await alerter.observe(stale)
    await waitFor(() => alerter.overview().deliveries.some((d) => d.state === 'delivered'), 'one delivered')
    await waitFor(() => logs.some((l) => l.includes('retrying later') && l.includes('ECONNREFUSED')), 'a failed attempt logged')
    await alerter.testAlerts()
    const text = logs.join('') + JSON.stringify(alerter.overview())
    expect(text).to.not.include(SECRET)
    expect(text).to.not.include(URL_TOKEN)
    expect(text).to.include(`127.0.0.1:${receiver.port}`)
  })
})
