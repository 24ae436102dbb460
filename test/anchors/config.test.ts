/** The config file's `anchors` section (src/config/anchors.ts): secrets never in the file, strict fields, certificates read once. */
import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, loadConfig, redactConfig } from '../../src/config'
import { runCleanups, tempDir } from '../heads/helpers'

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const EVM = { type: 'evm', name: 'l1', rpc: 'http://127.0.0.1:1', chainId: 31338, contract: '0x' + '11'.repeat(20), confirmations: 3, everyPasses: 60, sealerKeyEnv: 'L1_KEY' }

function load (anchors: unknown, env: Record<string, string> = { L1_KEY: KEY }): ReturnType<typeof loadConfig> {
  const dir = tempDir('hs-anchor-config-')
  writeFileSync(join(dir, 'ca.pem'), PEM)
  const file = join(dir, 'config.json')
  writeFileSync(file, JSON.stringify({ anchors }))
  return loadConfig({ env: { HYPERSEAL_CONFIG: file, ...env } })
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
    expect(evm).to.deep.include({ type: 'evm', name: 'l1', chainId: 31338, finality: { confirmations: 3 }, everyPasses: 60, sealerKey: KEY })
    expect(tsa).to.deep.include({ type: 'rfc3161', name: 'tsa', certificates: PEM, everyPasses: 1 })
    // The key never leaves in a printable copy.
    expect(JSON.stringify(redactConfig(config))).to.not.include(KEY.slice(2))
    expect(load([{ ...EVM, confirmations: 'finalized' }]).anchors[0]).to.deep.include({ finality: 'finalized' })
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
    expect(codeOf(() => load([{ ...EVM, everyPasses: 0 }]))).to.equal('INVALID_VALUE')
    expect(codeOf(() => load([{ type: 'rfc3161', name: 'tsa', url: 'http://127.0.0.1:1', certificates: 'missing.pem' }]))).to.equal('BAD_FILE')
    expect(codeOf(() => load({ not: 'a list' }))).to.equal('INVALID_VALUE')
  })
})
