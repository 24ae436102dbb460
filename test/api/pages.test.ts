import { expect } from 'chai'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCleanups, tempDir } from '../heads/helpers'
import { errorCode, openApi, type ApiFixture } from './helpers'

/** A built site as src/web/build.ts lays it out (the browser tests use the real build). */
function fakeSite (): string {
  const dir = tempDir('hs-site-')
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dashboard</title><script type="module" src="/assets/dashboard-ABC123.js"></script>')
  writeFileSync(join(dir, 'verify.html'), '<!doctype html><title>verify</title>')
  writeFileSync(join(dir, 'assets', 'dashboard-ABC123.js'), 'export {}\n')
  return dir
}

describe('the pages: Content-Security-Policy and caching headers', function () {
  this.timeout(120_000)
  let fx: ApiFixture
  let rpc: string

  before(async () => {
    fx = await openApi({ site: fakeSite() })
    rpc = new URL(fx.service.trust().root.chains[0].rpc[0]).origin
  })
  after(runCleanups)

  it('serves / and /verify as no-cache HTML under a policy without inline script, reaching only itself and the RPC hints', async () => {
    for (const url of ['/', '/verify', `/verify?key=${'ab'.repeat(32)}&version=3`]) {
      const res = await fx.app.inject({ method: 'GET', url })
      expect(res.statusCode, url).to.equal(200)
      expect(res.headers['content-type']).to.match(/^text\/html/)
      expect(res.headers['cache-control']).to.equal('no-cache')
      expect(res.headers['x-frame-options']).to.equal('DENY')
      const csp = String(res.headers['content-security-policy'])
      expect(csp).to.include("script-src 'self' 'wasm-unsafe-eval';")
      expect(csp).to.not.include('unsafe-inline')
      expect(csp).to.include(`connect-src 'self' ${rpc};`)
      expect(csp).to.include("frame-ancestors 'none'")
    }
  })

  it('adds the origin of the RPC the page names (only its origin), and refuses what is not an http(s) URL', async () => {
    const res = await fx.app.inject({ method: 'GET', url: `/verify?rpc=${encodeURIComponent('http://127.0.0.1:1/some/path?k=v')}` })
    expect(String(res.headers['content-security-policy'])).to.include(`connect-src 'self' ${rpc} http://127.0.0.1:1;`)
    for (const bad of ['javascript:alert(1)', 'not a url', 'ftp://127.0.0.1:1']) {
      const refused = await fx.app.inject({ method: 'GET', url: `/verify?rpc=${encodeURIComponent(bad)}` })
      expect(refused.statusCode, bad).to.equal(400)
    }
    expect((await fx.app.inject({ method: 'GET', url: '/verify?token=abc' })).statusCode).to.equal(400)
    expect((await fx.app.inject({ method: 'GET', url: '/verify?other=1' })).statusCode).to.equal(400)
  })

  it('adds the origins of the later clocks\' chains the page names (anchors=<chainId>:<origin>,…), and refuses anything else', async () => {
    const anchors = ['31338:http://127.0.0.1:2/key/path', '5:https://127.0.0.1:3'].join(',')
    const res = await fx.app.inject({ method: 'GET', url: `/verify?rpc=${encodeURIComponent('http://127.0.0.1:1')}&anchors=${encodeURIComponent(anchors)}` })
    expect(res.statusCode).to.equal(200)
    expect(String(res.headers['content-security-policy'])).to.include(`connect-src 'self' ${rpc} http://127.0.0.1:1 http://127.0.0.1:2 https://127.0.0.1:3;`)
    const tooMany = Array.from({ length: 9 }, (_, i) => `${i + 1}:http://127.0.0.1:${i + 1}`).join(',')
    for (const bad of ['http://127.0.0.1:2', '0:http://127.0.0.1:2', 'x:http://127.0.0.1:2', '7:javascript:alert(1)', '7:ftp://127.0.0.1:1', '7:http://127.0.0.1:2,', tooMany]) {
      const refused = await fx.app.inject({ method: 'GET', url: `/verify?anchors=${encodeURIComponent(bad)}` })
      expect(refused.statusCode, bad).to.equal(400)
      expect(errorCode(refused), bad).to.equal('BAD_REQUEST')
    }
  })

  it('content-hashed assets are immutable for a year; unknown ones are 404', async () => {
    const res = await fx.app.inject({ method: 'GET', url: '/assets/dashboard-ABC123.js' })
    expect(res.statusCode).to.equal(200)
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable')
    expect(res.headers['content-type']).to.match(/javascript/)
    expect((await fx.app.inject({ method: 'GET', url: '/assets/missing-XYZ.js' })).statusCode).to.equal(404)
    expect((await fx.app.inject({ method: 'GET', url: '/assets/../index.html' })).statusCode).to.not.equal(200)
  })
})

describe('the pages when they were not built', function () {
  this.timeout(120_000)
  after(runCleanups)

  it('answer 503 PAGES_NOT_BUILT, and the API still works', async () => {
    const fx = await openApi({ site: tempDir('hs-empty-site-') })
    const res = await fx.app.inject({ method: 'GET', url: '/' })
    expect(res.statusCode).to.equal(503)
    expect(errorCode(res)).to.equal('PAGES_NOT_BUILT')
    expect((await fx.app.inject({ method: 'GET', url: '/v1/trust' })).statusCode).to.equal(200)
  })
})
