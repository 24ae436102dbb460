import { expect } from 'chai'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, redactConfig } from '../../src/config'
import { resolveAdminToken, resolveAuditorToken } from '../../src/service'
import { codeOf, runCleanups, tempDir } from '../heads/helpers'

describe('HYPERSEAL_AUDITOR_TOKEN', () => {
  afterEach(runCleanups)

  it('is read from the environment or the config file, validated like the admin token, and redacted', () => {
    const token = 'an-auditor-token-of-length'
    expect(loadConfig({ env: { HYPERSEAL_AUDITOR_TOKEN: token } }).auditorToken).to.equal(token)
    const file = join(tempDir('hs-config-'), 'config.json')
    writeFileSync(file, JSON.stringify({ auditorToken: token }))
    expect(loadConfig({ env: { HYPERSEAL_CONFIG: file } }).auditorToken).to.equal(token)
    expect(redactConfig(loadConfig({ env: { HYPERSEAL_AUDITOR_TOKEN: token } })).auditorToken).to.equal('[redacted]')
    expect(loadConfig({ env: {} }).auditorToken).to.equal(undefined)
  })

  it('refuses a short token, one with spaces, and the admin token itself, never echoing them', async () => {
    for (const env of [{ HYPERSEAL_AUDITOR_TOKEN: 'short' }, { HYPERSEAL_AUDITOR_TOKEN: 'has a space in the middle' },
      { HYPERSEAL_AUDITOR_TOKEN: 'the-same-token-for-both', HYPERSEAL_ADMIN_TOKEN: 'the-same-token-for-both' }]) {
      let message = ''
      expect(await codeOf(() => { try { loadConfig({ env }) } catch (err) { message = (err as Error).message; throw err } })).to.equal('INVALID_VALUE')
      expect(message).to.match(/HYPERSEAL_AUDITOR_TOKEN/)
      expect(message).to.not.include(env.HYPERSEAL_AUDITOR_TOKEN)
    }
  })

  it('unset, it is generated into <data dir>/auditor-token (0600), kept across starts, and never equals the admin token', async () => {
    const dir = tempDir('hs-tokens-')
    const admin = resolveAdminToken(dir, undefined).token
    const first = resolveAuditorToken(dir, undefined, admin)
    expect(first.file).to.equal(join(dir, 'auditor-token'))
    expect(statSync(first.file!).mode & 0o777).to.equal(0o600)
    expect(first.token).to.not.equal(admin)
    expect(resolveAuditorToken(dir, undefined, admin).token).to.equal(first.token)
    expect(readFileSync(first.file!, 'utf8').trim()).to.equal(first.token)
    // A data directory whose two files were made the same is refused.
    writeFileSync(join(dir, 'auditor-token'), admin + '\n')
    expect(await codeOf(() => resolveAuditorToken(dir, undefined, admin))).to.equal('INVALID_VALUE')
  })
})
