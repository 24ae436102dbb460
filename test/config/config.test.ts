import { expect } from 'chai'
import fc from 'fast-check'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ConfigError, DEFAULTS, loadConfig, redactConfig } from '../../src/config'

function codeOf (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError)
    return (err as ConfigError).code
  }
  return undefined
}

describe('config', () => {
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'hs-config-')) })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('uses the embedded defaults when nothing is set', () => {
    const c = loadConfig({ env: {} })
    expect(c.dataDir).to.equal(resolve(DEFAULTS.dataDir))
    expect(c).to.include({ host: '127.0.0.1', port: 8480, replicationPort: 8481, schedule: '* * * * *', confirmations: 1, passBudgetSeconds: 45, chainPort: 8545 })
    expect(c.rpc).to.equal(undefined)
    expect(c.adminToken).to.equal(undefined)
    expect(c.bootstrap).to.deep.equal([])
  })

  it('reads every documented variable', () => {
    const c = loadConfig({
      env: {
        HYPERSEAL_DATA: join(dir, 'data'),
        HYPERSEAL_HOST: '0.0.0.0',
        HYPERSEAL_PORT: '9000',
        HYPERSEAL_ADMIN_TOKEN: 'a-long-enough-token',
        HYPERSEAL_REPLICATION_PORT: '9001',
        HYPERSEAL_SCHEDULE: '*/5 * * * *',
        HYPERSEAL_RPC: 'http://127.0.0.1:8545',
        HYPERSEAL_CONTRACT: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
        HYPERSEAL_SEALER_KEY: 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
        HYPERSEAL_CONFIRMATIONS: '12',
        HYPERSEAL_BOOTSTRAP: '127.0.0.1:49737, localhost:49738',
        HYPERSEAL_PASS_BUDGET: '20',
        HYPERSEAL_CHAIN_PORT: '18545'
      }
    })
    expect(c.chainPort).to.equal(18545)
    expect(c).to.include({ dataDir: join(dir, 'data'), host: '0.0.0.0', port: 9000, replicationPort: 9001, confirmations: 12, passBudgetSeconds: 20 })
    expect(c.schedule).to.equal('*/5 * * * *')
    expect(c.sealerKey).to.equal('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
    expect(c.bootstrap).to.deep.equal(['127.0.0.1:49737', 'localhost:49738'])
  })

  it('takes confirmations as a count or "finalized", and the chain port 0 (any free port)', () => {
    expect(loadConfig({ env: { HYPERSEAL_CONFIRMATIONS: 'finalized' } }).confirmations).to.equal('finalized')
    expect(loadConfig({ env: { HYPERSEAL_CONFIRMATIONS: ' Finalized ' } }).confirmations).to.equal('finalized')
    expect(loadConfig({ env: { HYPERSEAL_CONFIRMATIONS: '0' } }).confirmations).to.equal(0)
    expect(loadConfig({ env: { HYPERSEAL_CHAIN_PORT: '0' } }).chainPort).to.equal(0)
    for (const bad of ['finalised', 'safe', 'latest', '-1', '1001', '1.5']) {
      expect(codeOf(() => loadConfig({ env: { HYPERSEAL_CONFIRMATIONS: bad } })), bad).to.equal('INVALID_VALUE')
    }
    for (const bad of ['65536', '-1', 'x', '85 45']) {
      expect(codeOf(() => loadConfig({ env: { HYPERSEAL_CHAIN_PORT: bad } })), bad).to.equal('INVALID_VALUE')
    }
    const file = join(dir, 'c.json')
    writeFileSync(file, JSON.stringify({ chainPort: 9545, confirmations: 'finalized' }))
    expect(loadConfig({ env: { HYPERSEAL_CONFIG: file } })).to.include({ chainPort: 9545, confirmations: 'finalized' })
  })

  it('refuses a pass budget that is not a whole number of seconds from 1 to 3600', () => {
    for (const bad of ['0', '3601', '1.5', '-4', 'ten']) {
      expect(codeOf(() => loadConfig({ env: { HYPERSEAL_PASS_BUDGET: bad } })), bad).to.equal('INVALID_VALUE')
    }
    expect(loadConfig({ env: { HYPERSEAL_PASS_BUDGET: '' } }).passBudgetSeconds).to.equal(45)
  })

  it('lets flags override the environment, and the environment override the file', () => {
    const file = join(dir, 'hyperseal.json')
    writeFileSync(file, JSON.stringify({ port: 7000, replicationPort: 7001, schedule: '0 * * * *' }))
    const c = loadConfig({ env: { HYPERSEAL_CONFIG: file, HYPERSEAL_PORT: '7100' }, flags: { port: 7200 } })
    expect(c.port).to.equal(7200)
    expect(c.replicationPort).to.equal(7001)
    expect(c.schedule).to.equal('0 * * * *')
  })

  it('refuses a sealer key in the config file and unknown fields', () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify({ sealerKey: '0x01' }))
    expect(codeOf(() => loadConfig({ env: {}, flags: { config: file } }))).to.equal('SECRET_IN_FILE')
    writeFileSync(file, JSON.stringify({ prot: 1 }))
    expect(codeOf(() => loadConfig({ env: {}, flags: { config: file } }))).to.equal('UNKNOWN_FIELD')
    writeFileSync(file, '[1,2]')
    expect(codeOf(() => loadConfig({ env: {}, flags: { config: file } }))).to.equal('BAD_FILE')
    expect(codeOf(() => loadConfig({ env: {}, flags: { config: join(dir, 'missing.json') } }))).to.equal('BAD_FILE')
  })

  it('rejects malformed values with INVALID_VALUE', () => {
    const bad: Record<string, string>[] = [
      { HYPERSEAL_PORT: '70000' }, { HYPERSEAL_PORT: '-1' }, { HYPERSEAL_PORT: '80abc' },
      { HYPERSEAL_HOST: 'not a host' }, { HYPERSEAL_SCHEDULE: 'every minute' }, { HYPERSEAL_SCHEDULE: '61 * * * *' },
      { HYPERSEAL_RPC: 'ftp://x' }, { HYPERSEAL_RPC: 'nope' }, { HYPERSEAL_CONTRACT: '0x1234' },
      { HYPERSEAL_SEALER_KEY: '0x1234' }, { HYPERSEAL_CONFIRMATIONS: '1.5' }, { HYPERSEAL_ADMIN_TOKEN: 'short' },
      { HYPERSEAL_BOOTSTRAP: 'host-without-port' }, { HYPERSEAL_KEYSTORE: '/k.json' }
    ]
    for (const env of bad) expect(codeOf(() => loadConfig({ env })), JSON.stringify(env)).to.equal('INVALID_VALUE')
  })

  it('never echoes a malformed sealer key, and redacts secrets for logging', () => {
    const secret = 'deadbeef'.repeat(7)
    try {
      loadConfig({ env: { HYPERSEAL_SEALER_KEY: secret } })
      expect.fail('accepted a 28-byte key')
    } catch (err) {
      expect((err as Error).message).not.to.include(secret)
    }
    const c = loadConfig({ env: { HYPERSEAL_SEALER_KEY: 'ab'.repeat(32), HYPERSEAL_ADMIN_TOKEN: 'x'.repeat(20) } })
    const printed = JSON.stringify(redactConfig(c))
    expect(printed).not.to.include('ab'.repeat(32))
    expect(printed).not.to.include('x'.repeat(20))
  })

  it('never throws anything but a ConfigError for arbitrary variable values', () => {
    const names = ['HYPERSEAL_PORT', 'HYPERSEAL_HOST', 'HYPERSEAL_SCHEDULE', 'HYPERSEAL_RPC', 'HYPERSEAL_CONTRACT',
      'HYPERSEAL_SEALER_KEY', 'HYPERSEAL_CONFIRMATIONS', 'HYPERSEAL_BOOTSTRAP', 'HYPERSEAL_REPLICATION_PORT', 'HYPERSEAL_ADMIN_TOKEN']
    fc.assert(fc.property(fc.constantFrom(...names), fc.string({ maxLength: 80 }), (name, value) => {
      try {
        loadConfig({ env: { [name]: value } })
      } catch (err) {
        return err instanceof ConfigError && err.code === 'INVALID_VALUE'
      }
      return true
    }), { numRuns: 2000 })
  })
})
