import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EXIT_HELP } from '../../src/cli/exit-codes'
import { runCleanups, tempDir } from '../heads/helpers'
import { closedPort, expectOneErrorLine, runCli, startService, type LiveService } from './helpers'

const HEX = 'ab'.repeat(32)

describe('hyperseal CLI inputs: help, usage errors, tokens, unreachable service (node bin/hyperseal.js)', function () {
  this.timeout(400_000)
  let live: LiveService

  before(async () => { live = await startService() })
  after(runCleanups)

  it('prints help for every command and exits 0, with the one exit-code scheme after it', async () => {
    const runs = await Promise.all(['watch', 'unwatch', 'seal', 'status'].map((cmd) => runCli([cmd, '--help'])))
    runs.forEach((run, i) => {
      const cmd = ['watch', 'unwatch', 'seal', 'status'][i]
      expect(run.code, run.stderr).to.equal(0)
      expect(run.stdout).to.match(new RegExp(`^Usage: hyperseal ${cmd} `))
      expect(run.stdout).to.include('--api <url>')
      expect(run.stdout).to.include(EXIT_HELP.trim())
      expect(run.stderr).to.equal('')
    })
  })

  it('exits 2 with one line on bad input, before anything reaches the service', async () => {
    const api = ['--api', live.url]
    const token = { HYPERSEAL_ADMIN_TOKEN: live.token }
    // One process per case is slow (ts-node); the other inputs are unit-tested in client.test.ts.
    const cases: Array<[string[], RegExp]> = [
      [['watch', 'not-a-key', ...api], /^error: A Hypercore key must be 32 bytes .*64 hex characters or 52 z-base-32/],
      [['watch', HEX, '--peer', 'nohost', ...api], /^error: A peer must be written host:port/],
      [['watch', ...api], /^error: Give either a core key or --file <path>, not both and not neither\.$/],
      [['watch', HEX, '--pee', 'x', '--timeout', '0', ...api], /^error: unknown option '--pee' \(Did you mean --peer\?\)$/]
    ]
    const runs = await Promise.all(cases.map(([args]) => runCli(args, token)))
    runs.forEach((run, i) => {
      const [args, pattern] = cases[i]
      expect(expectOneErrorLine(run, 2, args.join(' '))).to.match(pattern)
      expect(run.stdout).to.equal('')
    })
    expect(await live.service.listCores()).to.deep.equal([])
  })

  it('finds the admin token in HYPERSEAL_ADMIN_TOKEN or <data>/admin-token: none or blank exits 2, a refused one exits 1', async () => {
    const empty = tempDir('hs-cli-empty-')
    const blankDir = tempDir('hs-cli-blank-')
    writeFileSync(join(blankDir, 'admin-token'), '   \n')
    const goodDir = tempDir('hs-cli-good-')
    writeFileSync(join(goodDir, 'admin-token'), `${live.token}\n`)
    const [missing, blank, wrong, fromFile] = await Promise.all([
      runCli(['seal', '--api', live.url, '--data', empty]),
      runCli(['seal', '--api', live.url, '--data', blankDir]),
      runCli(['watch', HEX, '--api', live.url, '--json'], { HYPERSEAL_ADMIN_TOKEN: 'not-the-admin-token-at-all' }),
      runCli(['seal', '--json'], { HYPERSEAL_DATA: goodDir, HYPERSEAL_PORT: String(live.port) })
    ])
    expect(expectOneErrorLine(missing, 2, 'no token')).to.match(/^error: No admin token: set HYPERSEAL_ADMIN_TOKEN/)
    expect(expectOneErrorLine(blank, 2, 'blank token')).to.match(/^error: The admin token in .*admin-token is empty/)
    expect(JSON.parse(expectOneErrorLine(wrong, 1, 'wrong token')).error.code).to.equal('FORBIDDEN')
    expect(fromFile.code, fromFile.stderr).to.equal(0)
    expect(JSON.parse(fromFile.stdout)).to.have.property('batch', null)
    for (const run of [missing, blank, wrong, fromFile]) expect(run.stdout + run.stderr).to.not.include(live.token)
  })

  it('exits 4 with one line when the service is unreachable (from --api or HYPERSEAL_HOST/PORT)', async () => {
    const port = await closedPort()
    const [byFlag, byEnv] = await Promise.all([
      runCli(['status', '--api', `http://127.0.0.1:${port}`]),
      runCli(['seal', '--json'], { HYPERSEAL_HOST: '127.0.0.1', HYPERSEAL_PORT: String(port), HYPERSEAL_ADMIN_TOKEN: live.token })
    ])
    expect(expectOneErrorLine(byFlag, 4, 'status')).to.match(new RegExp(`^error: The Hyperseal service at http://127.0.0.1:${port} cannot be reached \\(ECONNREFUSED\\)`))
    expect(JSON.parse(expectOneErrorLine(byEnv, 4, 'seal')).error.code).to.equal('UNREACHABLE')
  })
})
