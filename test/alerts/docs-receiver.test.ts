/**
 * The receiver example of docs/alerts.md, run as written (a child `node` process on
 * 127.0.0.1): it takes an alert the alerter signs, and refuses a replay, an old timestamp and a
 * tampered body. The docs cannot rot away from what the service sends.
 */
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join, resolve } from 'node:path'
import { createLogger } from '../../src/api'
import { Alerter, createSigner, DEFAULT_THRESHOLDS } from '../../src/alerts'
import { onCleanup, runCleanups, tempDir, waitFor } from '../heads/helpers'
import { closedPort } from '../cli/helpers'
import { SECRET } from './helpers'

function example (): string {
  const doc = readFileSync(resolve(__dirname, '../../docs/alerts.md'), 'utf8')
  const section = doc.slice(doc.indexOf('## Checking it'))
  const m = /```js\n([\s\S]*?)```/.exec(section)
  if (m === null) throw new Error('no js example under "Checking it" in docs/alerts.md')
  return m[1]
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise((r) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => { s.destroy(); r(true) })
    s.once('error', () => r(false))
  })
}

describe('alerts: the receiver example in docs/alerts.md', function () {
  this.timeout(60_000)
  afterEach(runCleanups)

  it('takes a signed alert once, and refuses a replay, an old timestamp and a tampered body', async () => {
    const code = example()
    expect(code.trim().split('\n').length).to.be.at.most(12)
    const file = join(tempDir('hs-doc-'), 'receiver.js')
    writeFileSync(file, code)
    const port = await closedPort()
    const child = spawn(process.execPath, [file], { env: { PATH: process.env.PATH, PORT: String(port), HYPERSEAL_ALERT_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise((r) => child.once('exit', r))
    onCleanup(async () => { child.kill('SIGKILL'); await exited })
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    await waitFor(() => accepts(port), 'the example receiver listening')

    const alerter = await Alerter.open({
      dir: tempDir('hs-doc-'),
      settings: { urls: [`http://127.0.0.1:${port}/`], signing: { hmac: SECRET }, thresholds: DEFAULT_THRESHOLDS, maxPending: 10 },
      service: { receiptsLog: 'ab'.repeat(32), chainId: 1, contract: '0x' + '00'.repeat(20) },
      logger: createLogger({ level: 'silent' })
    })
    onCleanup(() => alerter.close())
    const [answer] = await alerter.testAlerts()
    expect(answer).to.deep.include({ ok: true, status: 200, answer: 'ok\n' })
    await waitFor(() => stdout.includes('A test alert from Hyperseal'), 'the summary printed')

    const signer = createSigner({ hmac: SECRET })
    const body = JSON.stringify({ v: 1, id: 'fixed-id', kind: 'test', createdAt: new Date().toISOString(), summary: 'x.', details: {}, service: {} })
    const post = async (headers: Record<string, string>, b = body): Promise<number> =>
      (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: b })).status
    const now = Math.floor(Date.now() / 1000)
    expect(await post(signer.headers('fixed-id', body, now - 400))).to.equal(401)
    expect(await post(signer.headers('fixed-id', body, now), body.replace('x.', 'y.'))).to.equal(401)
    expect(await post(signer.headers('fixed-id', body, now))).to.equal(200)
    expect(await post(signer.headers('fixed-id', body, now))).to.equal(401) // the same id again
  })
})
