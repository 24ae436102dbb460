import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliError } from '../../src/cli/errors'
import { oneLine } from '../../src/cli/exit'
import { adminToken, apiBase, fetchDocument, request, timeoutMs } from '../../src/cli/http-client'
import { runCleanups, tempDir } from '../heads/helpers'
import { foreignServer, runInProcess } from './helpers'

async function codeOf (fn: () => unknown): Promise<string | undefined> {
  try {
    await fn()
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}

describe('CLI client plumbing (src/cli/http-client.ts, exit.ts)', () => {
  afterEach(runCleanups)

  it('resolves the API address from --api, HYPERSEAL_HOST/PORT or the default; wildcards go to loopback', () => {
    expect(apiBase({}, {}).href).to.equal('http://127.0.0.1:8480/')
    expect(apiBase({}, { HYPERSEAL_PORT: '9000' }).href).to.equal('http://127.0.0.1:9000/')
    expect(apiBase({}, { HYPERSEAL_HOST: '0.0.0.0' }).href).to.equal('http://127.0.0.1:8480/')
    expect(apiBase({}, { HYPERSEAL_HOST: '::' }).href).to.equal('http://[::1]:8480/')
    expect(apiBase({}, { HYPERSEAL_HOST: 'fd00::1', HYPERSEAL_PORT: '1' }).href).to.equal('http://[fd00::1]:1/')
    expect(apiBase({ api: 'https://seal.example.org/prefix/' }, { HYPERSEAL_PORT: '1' }).href).to.equal('https://seal.example.org/prefix/')
  })

  it('refuses API addresses that are not plain http(s) URLs (BAD_INPUT, exit 2)', async () => {
    for (const api of ['not a url', 'ftp://127.0.0.1/', 'file:///etc/passwd', 'http://user:pw@127.0.0.1/', 'http://127.0.0.1/?x=1', 'http://127.0.0.1/#x']) {
      expect(await codeOf(() => apiBase({ api }, {})), api).to.equal('BAD_INPUT')
    }
    expect(await codeOf(() => apiBase({}, { HYPERSEAL_HOST: 'bad host', HYPERSEAL_PORT: '1' }))).to.equal('BAD_INPUT')
  })

  it('reads the admin token from HYPERSEAL_ADMIN_TOKEN, else <data>/admin-token (trimmed); refuses none, blank or with spaces', async () => {
    const dir = tempDir('hs-cli-token-')
    writeFileSync(join(dir, 'admin-token'), 'file-token-0123456789\n')
    expect(adminToken({ data: dir }, {})).to.equal('file-token-0123456789')
    expect(adminToken({}, { HYPERSEAL_DATA: dir })).to.equal('file-token-0123456789')
    expect(adminToken({ data: dir }, { HYPERSEAL_ADMIN_TOKEN: 'env-token-0123456789' })).to.equal('env-token-0123456789')
    expect(await codeOf(() => adminToken({ data: tempDir('hs-cli-none-') }, {}))).to.equal('NO_TOKEN')
    expect(await codeOf(() => adminToken({}, { HYPERSEAL_ADMIN_TOKEN: 'has space in it' }))).to.equal('NO_TOKEN')
    expect(await codeOf(() => adminToken({}, { HYPERSEAL_ADMIN_TOKEN: 'line\nbreak' }))).to.equal('NO_TOKEN')
    writeFileSync(join(dir, 'admin-token'), '\n')
    expect(await codeOf(() => adminToken({ data: dir }, {}))).to.equal('NO_TOKEN')
  })

  it('accepts --timeout as whole seconds 1..86400 only', async () => {
    expect(timeoutMs({}, 30)).to.equal(30_000)
    expect(timeoutMs({ timeout: '86400' }, 30)).to.equal(86_400_000)
    for (const timeout of ['0', '-1', '1.5', '1e3', '86401', 'abc', '', '01']) {
      expect(await codeOf(() => timeoutMs({ timeout }, 30)), timeout).to.equal('BAD_INPUT')
    }
  })

  it('keeps commander\'s suggestion on the one error line', () => {
    expect(oneLine('error: unknown option\n(Did you mean --peer?)\n')).to.equal('error: unknown option (Did you mean --peer?)')
  })

  it('runs the real program: usage errors exit 2 with one line, --version and help exit 0', async () => {
    for (const args of [['nosuchcommand'], ['status', '--timeout', '0'], ['status', '--api', 'not a url'], ['watch', 'a', 'b'], ['seal', '--bogus']]) {
      const run = await runInProcess(args)
      expect(run.code, args.join(' ')).to.equal(2)
      expect(run.stderr.trim().split('\n'), args.join(' ')).to.have.length(1)
      expect(run.stderr).to.match(/^error: /)
    }
    expect((await runInProcess(['--version'])).code).to.equal(0)
    expect((await runInProcess(['help', 'watch'])).code).to.equal(0)
  })

  it('turns answers that are not the Hyperseal API into BAD_ANSWER, and never follows a redirect', async () => {
    let redirected = false
    const url = await foreignServer((req, res) => {
      if (req.url === '/elsewhere') { redirected = true; res.end('{}'); return }
      if (req.url === '/v1/cores') { res.writeHead(302, { location: '/elsewhere' }); res.end(); return }
      if (req.url === '/ready') { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"message":"no"}'); return }
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html>hello</html>')
    })
    const base = new URL(url)
    expect(await codeOf(() => request(base, { method: 'GET', path: '/v1/batches', timeoutMs: 5000 }))).to.equal('BAD_ANSWER')
    expect(await codeOf(() => request(base, { method: 'POST', path: '/v1/cores', token: 'secret-token-0123456789', timeoutMs: 5000 }))).to.equal('BAD_ANSWER')
    expect(redirected).to.equal(false)
    expect(await codeOf(() => request(base, { method: 'GET', path: '/ready', timeoutMs: 5000 }))).to.equal('BAD_ANSWER')
  })

  it('sorts the service\'s error answers: 400 is bad input, 503/504 with Retry-After is unavailable, others are errors; codes kept', async () => {
    const answers: Record<string, [number, Record<string, string>, string]> = {
      '/bad': [400, {}, 'BAD_KEY'],
      '/busy': [503, { 'retry-after': '5' }, 'RPC_UNREACHABLE'],
      '/slow': [504, { 'retry-after': '5' }, 'UPDATE_TIMEOUT'],
      '/broken': [503, {}, 'NO_SIGNER'],
      '/gone': [404, {}, 'NOT_WATCHED']
    }
    const url = await foreignServer((req, res) => {
      const [status, headers, code] = answers[req.url ?? '']
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify({ error: { code, message: `the service says ${code}` } }))
    })
    const base = new URL(url)
    const caught = async (path: string, doc: boolean): Promise<CliError> => {
      const err = await (doc ? fetchDocument(base, path, 'secret-token-0123456789', 5000) : request(base, { method: 'GET', path, timeoutMs: 5000 })).catch((e: unknown) => e)
      expect(err, path).to.be.instanceOf(CliError)
      return err as CliError
    }
    for (const doc of [false, true]) {
      const got = await Promise.all(Object.keys(answers).map((path) => caught(path, doc)))
      expect(got.map((e) => e.code), doc ? 'fetchDocument' : 'request').to.deep.equal(['BAD_INPUT', 'SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'SERVICE_ERROR', 'SERVICE_ERROR'])
      expect(got.map((e) => e.serviceCode)).to.deep.equal(Object.values(answers).map(([, , code]) => code))
      expect(got.map((e) => e.status)).to.deep.equal(Object.values(answers).map(([status]) => status))
      expect(got[0].message).to.equal('the service says BAD_KEY')
    }
  })

  it('gives up on a service that does not answer in time (UNREACHABLE)', async () => {
    const url = await foreignServer(() => { /* never answers */ })
    const started = Date.now()
    const err = await request(new URL(url), { method: 'GET', path: '/v1/cores', timeoutMs: 300 }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(CliError)
    expect((err as CliError).code).to.equal('UNREACHABLE')
    expect((err as CliError).message).to.include('did not answer within 0.3 s')
    // Given up on by the 300 ms timeout, not by anything slower (the test's own timeout is 120 s).
    expect(Date.now() - started).to.be.below(30_000)
  })
})
