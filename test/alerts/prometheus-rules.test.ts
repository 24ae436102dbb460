/**
 * docs/prometheus-alerts.yml parses as YAML in Prometheus's rule-file shape, and every metric its
 * expressions name is one the service exports (scraped from a real service's /metrics:
 * `promtool` is not available here).
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'
import { runCleanups } from '../heads/helpers'
import { openApi } from '../api/helpers'

interface Rule { alert?: string, expr?: unknown, for?: string, labels?: Record<string, string>, annotations?: Record<string, string> }

const FILE = resolve(__dirname, '../../docs/prometheus-alerts.yml')

describe('alerts: the Prometheus rules file (docs/prometheus-alerts.yml)', function () {
  this.timeout(120_000)
  after(runCleanups)

  it('parses, has one rule per alert condition, and names only metrics /metrics exports', async () => {
    const doc = parse(readFileSync(FILE, 'utf8')) as { groups: Array<{ name: string, rules: Rule[] }> }
    const rules = doc.groups.flatMap((g) => g.rules)
    for (const r of rules) {
      expect(r.alert, JSON.stringify(r)).to.match(/^Hyperseal[A-Za-z]+$/)
      expect(r.expr, r.alert).to.be.a('string')
      expect(r.labels?.severity, r.alert).to.be.oneOf(['warning', 'critical'])
      expect(r.annotations?.summary, r.alert).to.be.a('string')
      if (r.for !== undefined) expect(r.for, r.alert).to.match(/^\d+[smh]$/)
    }
    // The webhook kinds, each with its rule (`test` is not a condition).
    expect(rules.map((r) => r.alert)).to.include.members(['HypersealIncident', 'HypersealCoreStale', 'HypersealPassesFailing', 'HypersealAnchorBehind', 'HypersealFundsLow'])

    const api = await openApi()
    const res = await api.app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).to.equal(200)
    const exported = new Set([...res.body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]))
    const named = new Set(rules.flatMap((r) => [...String(r.expr).matchAll(/\bhyperseal_[a-z0-9_]+/g)].map((m) => m[0])))
    expect(named.size).to.be.above(5)
    for (const name of named) expect(exported, `${name} is exported`).to.include(name)
    // A new service has spent nothing: its funds last forever, and the funds rule stays quiet.
    expect(res.body).to.match(/^hyperseal_sealer_funds_days \+Inf$/m)
  })
})
