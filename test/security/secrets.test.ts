import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { TS_LOADER } from '../support/ts-loader'
import { statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { appendN, localWriter, onCleanup, runCleanups, tempDir, waitFor } from '../heads/helpers'

const BIN = resolve(__dirname, '../../bin/hyperseal.js')
// anvil's account 0: the embedded chain's sealer key. Public, but the service must still never print it.
const DEV_KEY = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const TOKEN = 'admin-token-that-must-never-be-logged-3f9c'
const AUDITOR = 'auditor-token-that-must-never-be-logged-7b1e'

describe('secrets stay out of logs, errors and files (a full run of `hyperseal start`)', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('never prints the admin token or the sealer key, and keeps key files 0600', async () => {
    const dataDir = tempDir('hs-secrets-')
    const env: NodeJS.ProcessEnv = {
      ...process.env, HYPERSEAL_FROM_SOURCE: '1', HYPERSEAL_DATA: dataDir, HYPERSEAL_PORT: '0', HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_CHAIN_PORT: '0',
      HYPERSEAL_ADMIN_TOKEN: TOKEN, HYPERSEAL_AUDITOR_TOKEN: AUDITOR, HYPERSEAL_SCHEDULE: '* * * * * *'
    }
    delete env.TS_NODE_FILES
    const child = spawn(process.execPath, ['-r', TS_LOADER, BIN, 'start', '--log-level', 'trace'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    onCleanup(async () => { if (child.exitCode === null) child.kill('SIGKILL'); await exited })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { out += d.toString() })
    const api = await waitFor(() => /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 'the API address', 60_000)

    const writer = await localWriter()
    await appendN(writer.core, 3)
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
    const watch = await fetch(`${api}/v1/cores`, { method: 'POST', headers: auth, body: JSON.stringify({ key: writer.key, peers: [`127.0.0.1:${writer.port}`] }) })
    expect(watch.status).to.equal(201)
    await waitFor(async () => ((await (await fetch(`${api}/v1/cores/${writer.key}/receipts`)).json()) as { receipts: unknown[] }).receipts.length > 0, 'a scheduled seal', 30_000)
    expect((await fetch(`${api}/v1/verify/${writer.key}/3`)).status).to.equal(200)
    // Failures that could echo credentials: a wrong token, a token in the query string, a bad body.
    expect((await fetch(`${api}/v1/seal`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}x` } })).status).to.equal(403)
    expect((await fetch(`${api}/v1/seal`, { method: 'POST', headers: { authorization: `Bearer ${AUDITOR}` } })).status).to.equal(403)
    expect((await fetch(`${api}/v1/cores`, { headers: { authorization: `Bearer ${AUDITOR}` } })).status).to.equal(200)
    expect((await fetch(`${api}/v1/seal?token=${TOKEN}`, { method: 'POST' })).status).to.be.within(400, 401)
    expect((await fetch(`${api}/v1/cores`, { method: 'POST', headers: auth, body: JSON.stringify({ key: writer.key, adminToken: TOKEN }) })).status).to.equal(400)

    child.kill('SIGTERM')
    expect(await exited).to.equal(0)
    expect(out).to.include('Hyperseal stopped')
    expect(out.length).to.be.greaterThan(1000) // trace logs were written and read
    expect(out).not.to.include(TOKEN)
    expect(out).not.to.include(AUDITOR)
    expect(out.toLowerCase()).not.to.include(DEV_KEY)
    expect(() => statSync(join(dataDir, 'admin-token')), 'no token file when the token comes from the environment').to.throw()
  })

  it('writes a generated admin token with mode 0600 and a 0700 data directory', async () => {
    const { HypersealService } = await import('../../src/service')
    const { testConfig } = await import('../sealer/helpers')
    const dataDir = tempDir('hs-modes-')
    const service = await HypersealService.open(testConfig(join(dataDir, 'data')))
    onCleanup(() => service.close())
    expect(statSync(join(dataDir, 'data', 'admin-token')).mode & 0o777).to.equal(0o600)
    expect(statSync(join(dataDir, 'data')).mode & 0o777).to.equal(0o700)
  })
})
