/** The alerts section of the config (src/config/alerts.ts): secrets from the environment only, never echoed. */
import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, redactConfig } from '../../src/config'
import { codeOf, tempDir } from '../heads/helpers'
import { SECRET, URL_TOKEN } from './helpers'

const URL = `https://127.0.0.1:9/x?token=${URL_TOKEN}`
const SEED = 'ab'.repeat(32)

function load (env: Record<string, string>, file?: object): ReturnType<typeof loadConfig> {
  const flags: { config?: string } = {}
  if (file !== undefined) {
    flags.config = join(tempDir('hs-conf-'), 'c.json')
    writeFileSync(flags.config, JSON.stringify(file))
  }
  return loadConfig({ env: { HYPERSEAL_DATA: tempDir('hs-conf-'), ...env }, flags })
}

function messageOf (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return (err as Error).message
  }
  return ''
}

describe('alerts: configuration', () => {
  it('defaults to no receivers and the documented thresholds', () => {
    expect(load({}).alerts).to.deep.equal({ urls: [], signing: null, thresholds: { passFailures: 3, anchorFactor: 3, balanceDays: 7 }, maxPending: 1000 })
  })

  it('reads URLs and thresholds from the environment or the file, the secret from the environment only', async () => {
    const c = load({ HYPERSEAL_ALERT_URLS: `${URL}, http://127.0.0.1:9/h`, HYPERSEAL_ALERT_SECRET: SECRET, HYPERSEAL_ALERT_PASS_FAILURES: '5' })
    expect(c.alerts.urls).to.deep.equal([URL, 'http://127.0.0.1:9/h'])
    expect(c.alerts.signing).to.deep.equal({ hmac: SECRET })
    expect(c.alerts.thresholds.passFailures).to.equal(5)
    const f = load({ HYPERSEAL_ALERT_ED25519_KEY: SEED }, { alertUrls: [URL], alertBalanceDays: 30, alertOutboxMax: 50 })
    expect(f.alerts).to.deep.include({ urls: [URL], signing: { ed25519Seed: SEED }, maxPending: 50 })
    expect(f.alerts.thresholds.balanceDays).to.equal(30)
    expect(await codeOf(() => load({}, { alertUrls: [URL], alertSecret: SECRET }))).to.equal('SECRET_IN_FILE')
    expect(await codeOf(() => load({}, { alertEd25519Key: SEED }))).to.equal('SECRET_IN_FILE')
  })

  it('refuses URLs without a signing secret, both secrets, a short secret, a bad seed or URL — without echoing them', async () => {
    const cases: Array<Record<string, string>> = [
      { HYPERSEAL_ALERT_URLS: URL },
      { HYPERSEAL_ALERT_URLS: URL, HYPERSEAL_ALERT_SECRET: SECRET, HYPERSEAL_ALERT_ED25519_KEY: SEED },
      { HYPERSEAL_ALERT_URLS: URL, HYPERSEAL_ALERT_SECRET: 'short-' + URL_TOKEN },
      { HYPERSEAL_ALERT_URLS: URL, HYPERSEAL_ALERT_ED25519_KEY: 'zz' + URL_TOKEN },
      { HYPERSEAL_ALERT_URLS: `ftp://127.0.0.1/${URL_TOKEN}`, HYPERSEAL_ALERT_SECRET: SECRET },
      { HYPERSEAL_ALERT_URLS: `${URL},${URL}`, HYPERSEAL_ALERT_SECRET: SECRET },
      { HYPERSEAL_ALERT_PASS_FAILURES: '0' }
    ]
    for (const env of cases) {
      expect(await codeOf(() => load(env)), JSON.stringify(Object.keys(env))).to.equal('INVALID_VALUE')
      const msg = messageOf(() => load(env))
      expect(msg).to.not.include(URL_TOKEN)
      expect(msg).to.not.include(SECRET)
    }
  })

  it('redacts the secret and every URL past its origin', () => {
    const text = JSON.stringify(redactConfig(load({ HYPERSEAL_ALERT_URLS: URL, HYPERSEAL_ALERT_SECRET: SECRET })))
    expect(text).to.not.include(SECRET)
    expect(text).to.not.include(URL_TOKEN)
    expect(text).to.include('https://127.0.0.1:9')
  })
})
