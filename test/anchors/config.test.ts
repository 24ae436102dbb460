/** The config file's `anchors` section (src/config/anchors.ts): secrets never in the file, strict fields, certificates read once. */
import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, loadConfig, redactConfig } from '../../src/config'
import { runCleanups, tempDir } from '../heads/helpers'

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const EVM = { type: 'evm', name: 'l1', rpc: 'http://127.0.0.1:1', chainId: 31338, contract: '0x' + '11'.repeat(20), confirmations: 3, schedule: '0 * * * *', sealerKeyEnv: 'L1_KEY' }

function writeConfig (anchors: unknown): string {
  const dir = tempDir('hs-anchor-config-')
  writeFileSync(join(dir, 'ca.pem'), PEM)
  const file = join(dir, 'config.json')
  writeFileSync(file, JSON.stringify({ anchors }))
  return file
}

function load (anchors: unknown, env: Record<string, string> = { L1_KEY: KEY }): ReturnType<typeof loadConfig> {
  return loadConfig({ env: { HYPERSEAL_CONFIG: writeConfig(anchors), ...env } })
}

function codeOf (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError)
    return (err as ConfigError).code
  }
  throw new Error('expected a ConfigError')
}

describe('config: anchors', () => {
  afterEach(runCleanups)

  it('reads a secondary EVM anchor (key from the named variable) and a TSA (certificates from a file beside the config)', () => {
    const config = load([EVM, { type: 'rfc3161', name: 'tsa', url: 'http://127.0.0.1:1/tsa', certificates: 'ca.pem' }])
    expect(config.anchors).to.have.length(2)
    const [evm, tsa] = config.anchors
    expect(evm).to.deep.include({ type: 'evm', name: 'l1', chainId: 31338, finality: { confirmations: 3 }, schedule: '0 * * * *', sealerKey: KEY })
    // No schedule of its own: the seal schedule's.
    expect(tsa).to.deep.include({ type: 'rfc3161', name: 'tsa', certificates: PEM, schedule: config.schedule })
    // The key never leaves in a printable copy.
    expect(JSON.stringify(redactConfig(config))).to.not.include(KEY.slice(2))
    expect(load([{ ...EVM, confirmations: 'finalized' }]).anchors[0]).to.deep.include({ finality: 'finalized' })
  })

  it('takes each anchor\'s cron schedule in the seal schedule\'s syntax (5 fields, or 6 with seconds), spaces normalised', () => {
    expect(load([{ ...EVM, schedule: '*/10  * * * *' }]).anchors[0]).to.deep.include({ schedule: '*/10 * * * *' })
    expect(load([{ ...EVM, schedule: '*/30 * * * * *' }]).anchors[0]).to.deep.include({ schedule: '*/30 * * * * *' })
    const defaulted = loadConfig({ env: { HYPERSEAL_SCHEDULE: '*/5 * * * *', HYPERSEAL_CONFIG: writeConfig([{ ...EVM, schedule: undefined }]), L1_KEY: KEY } })
    expect(defaulted.anchors[0]).to.deep.include({ schedule: '*/5 * * * *' })
  })

  it('refuses a schedule that is not a cron expression, and names the field', () => {
    for (const bad of ['hourly', '* * * *', '61 * * * *', '* * * * * * *', '', 60, null, ['0 * * * *']]) {
      let caught: unknown
      try { load([{ ...EVM, schedule: bad }]) } catch (err) { caught = err }
      expect(caught, JSON.stringify(bad)).to.be.instanceOf(ConfigError)
      expect((caught as ConfigError).code).to.equal('INVALID_VALUE')
      expect((caught as Error).message).to.include('anchors[0].schedule')
    }
  })

  it('a config written for the replaced everyPasses fails with a clear CONFIG error saying what to write instead', () => {
    let caught: unknown
    try { load([{ ...EVM, schedule: undefined, everyPasses: 60 }]) } catch (err) { caught = err }
    expect(caught).to.be.instanceOf(ConfigError)
    expect((caught as ConfigError).code).to.equal('UNKNOWN_FIELD')
    expect((caught as Error).message).to.match(/"everyPasses" was replaced by "schedule"/)
  })

  it('no anchors: an empty list (the single-chain case from the environment, as before)', () => {
    expect(loadConfig({ env: {} }).anchors).to.deep.equal([])
  })

  it('refuses a key in the file, an unset key variable, unknown fields, bad names and duplicates', () => {
    expect(codeOf(() => load([{ ...EVM, sealerKey: KEY }]))).to.equal('SECRET_IN_FILE')
    expect(codeOf(() => load([EVM], {}))).to.equal('INVALID_VALUE')
    expect(codeOf(() => load([{ ...EVM, colour: 'red' }]))).to.equal('UNKNOWN_FIELD')
    expect(codeOf(() => load([{ ...EVM, name: 'primary' }]))).to.equal('INVALID_VALUE')
    expect(codeOf(() => load([EVM, EVM]))).to.equal('INVALID_VALUE')
    expect(codeOf(() => load([{ ...EVM, type: 'carrier-pigeon' }]))).to.equal('INVALID_VALUE')
    expect(codeOf(() => load([{ type: 'rfc3161', name: 'tsa', url: 'http://127.0.0.1:1', certificates: 'missing.pem' }]))).to.equal('BAD_FILE')
    expect(codeOf(() => load({ not: 'a list' }))).to.equal('INVALID_VALUE')
  })
})
