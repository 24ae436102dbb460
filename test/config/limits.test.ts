import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULTS, loadConfig } from '../../src/config'

function errorOf (fn: () => unknown): { code?: string, message: string } {
  try {
    fn()
  } catch (err) {
    return err as { code?: string, message: string }
  }
  expect.fail('expected a ConfigError')
}

describe('config: the public rate limit and the cap on expensive requests', () => {
  it('defaults to 600 requests a minute per address and 8 expensive requests at once', () => {
    expect(loadConfig({ env: {} })).to.include({ rateLimit: 600, expensiveRequests: 8 })
    expect(DEFAULTS).to.include({ rateLimit: 600, expensiveRequests: 8 })
  })

  it('reads HYPERSEAL_RATE_LIMIT (0 or off: no limit) and HYPERSEAL_EXPENSIVE_REQUESTS, from the environment, the file and flags', () => {
    expect(loadConfig({ env: { HYPERSEAL_RATE_LIMIT: '120', HYPERSEAL_EXPENSIVE_REQUESTS: '2' } })).to.include({ rateLimit: 120, expensiveRequests: 2 })
    expect(loadConfig({ env: { HYPERSEAL_RATE_LIMIT: 'off' } }).rateLimit).to.equal(0)
    expect(loadConfig({ env: { HYPERSEAL_RATE_LIMIT: ' OFF ' } }).rateLimit).to.equal(0)
    expect(loadConfig({ env: { HYPERSEAL_RATE_LIMIT: '0' } }).rateLimit).to.equal(0)
    const dir = mkdtempSync(join(tmpdir(), 'hs-config-limits-'))
    try {
      const file = join(dir, 'config.json')
      writeFileSync(file, JSON.stringify({ rateLimit: 30, expensiveRequests: 16 }))
      expect(loadConfig({ env: { HYPERSEAL_CONFIG: file } })).to.include({ rateLimit: 30, expensiveRequests: 16 })
      expect(loadConfig({ env: { HYPERSEAL_CONFIG: file, HYPERSEAL_RATE_LIMIT: 'off' } }).rateLimit).to.equal(0)
      expect(loadConfig({ env: { HYPERSEAL_CONFIG: file }, flags: { rateLimit: '45' } }).rateLimit).to.equal(45)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses anything else with INVALID_VALUE naming the variable', () => {
    for (const bad of ['-1', '1.5', '1e3', 'unlimited', '1000001', 'on', '0x10']) {
      const err = errorOf(() => loadConfig({ env: { HYPERSEAL_RATE_LIMIT: bad } }))
      expect(err.code, bad).to.equal('INVALID_VALUE')
      expect(err.message).to.include('HYPERSEAL_RATE_LIMIT')
    }
    for (const bad of ['0', '-3', '1025', 'many', '2.0']) {
      const err = errorOf(() => loadConfig({ env: { HYPERSEAL_EXPENSIVE_REQUESTS: bad } }))
      expect(err.code, bad).to.equal('INVALID_VALUE')
      expect(err.message).to.include('HYPERSEAL_EXPENSIVE_REQUESTS')
    }
  })
})
