import { expect } from 'chai'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { builtinModules } from 'node:module'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'
import { parseTsaTrust, verifyTimestampToken } from '../../src/timestamp'
import { startTestTsa } from '../support/tsa'
import type { TestTsa, TsaCert } from '../support/tsa'
import { ROOT, tokensByCert } from './helpers'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/**
 * src/timestamp bundled for the browser as src/web/build.ts bundles the verifier (src/ files
 * side-effect free, so the util door's Node-only helpers are shaken out), but with no Buffer
 * shim; the bundle must import nothing (no Node built-in, nothing external).
 */
async function bundle (): Promise<string> {
  const { build } = await import('esbuild')
  const src = resolve(__dirname, '../../src') + '/'
  const result = await build({
    stdin: { contents: "import * as t from './src/timestamp'\nglobalThis.hypersealTimestamp = t", resolveDir: resolve(__dirname, '../..'), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111'],
    metafile: true,
    logLevel: 'silent',
    external: [...builtinModules, 'node:*'],
    plugins: [{
      name: 'pure-sources',
      setup (b) {
        b.onResolve({ filter: /^\.\.?\// }, async (args) => {
          if (args.pluginData === 'resolving') return undefined
          const found = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolving' })
          return found.errors.length > 0 || !found.path.startsWith(src) ? undefined : { path: found.path, sideEffects: false }
        })
      }
    }]
  })
  for (const output of Object.values(result.metafile.outputs)) expect(output.imports).to.deep.equal([])
  const used = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([input]) => input))
  expect(used.filter((i) => /node_modules\/buffer\//.test(i) || /src\/util\/(?!coded-error|index)/.test(i))).to.deep.equal([])
  return result.outputFiles[0].text
}

type PageVerdict = { ok: true, result: unknown } | { ok: false, code: string, name: string }

async function verifyInPage (page: Page, token: Uint8Array, caPem: string, at?: string): Promise<PageVerdict> {
  return await page.evaluate(async ({ tokenB64, root, pem, at }) => {
    const lib = (globalThis as unknown as { hypersealTimestamp: typeof import('../../src/timestamp') }).hypersealTimestamp
    const bytes = Uint8Array.from(atob(tokenB64), (c) => c.charCodeAt(0))
    try {
      const result = await lib.verifyTimestampToken(bytes, new Uint8Array(root), lib.parseTsaTrust(pem), at === undefined ? {} : { at: new Date(at) })
      return { ok: true as const, result }
    } catch (err) {
      return { ok: false as const, code: (err as { code: string }).code, name: (err as Error).name }
    }
  }, { tokenB64: Buffer.from(token).toString('base64'), root: [...ROOT], pem: caPem, at })
}

describe('timestamp: verifyTimestampToken in Chromium', function () {
  this.timeout(180_000)
  let tsa: TestTsa
  let tokens: Record<TsaCert, { token: Uint8Array, nonce: string }>
  let browser: Browser
  let server: Server
  let js: string
  let page: Page

  async function pageWithBundle (url: string): Promise<Page> {
    const p = await browser.newPage()
    await p.goto(url)
    await p.addScriptTag({ content: js, type: 'module' })
    await p.waitForFunction(() => 'hypersealTimestamp' in globalThis)
    return p
  }

  before(async () => {
    tsa = await startTestTsa()
    tokens = await tokensByCert(tsa, ROOT)
    js = await bundle()
    // A page from http://127.0.0.1 is a secure context, as the verify page served by the service is.
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>timestamp</title>'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    page = await pageWithBundle(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  })
  after(async () => {
    await browser?.close()
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
    await tsa?.close()
  })

  it('accepts the token with the very result Node gives', async () => {
    const inNode = await verifyTimestampToken(tokens.valid.token, ROOT, parseTsaTrust(tsa.caPem))
    expect(await verifyInPage(page, tokens.valid.token, tsa.caPem)).to.deep.equal({ ok: true, result: inNode })
  })

  it('refuses with the same codes as Node: expired, untrusted, non-TSA certificate, altered token, future token', async () => {
    const altered = Uint8Array.from(tokens.valid.token)
    altered[altered.length - 2] ^= 0x01
    expect(await verifyInPage(page, tokens.expired.token, tsa.caPem)).to.deep.equal({ ok: false, code: 'EXPIRED', name: 'TimestampError' })
    expect(await verifyInPage(page, tokens.untrusted.token, tsa.caPem)).to.deep.equal({ ok: false, code: 'UNTRUSTED', name: 'TimestampError' })
    expect(await verifyInPage(page, tokens['not-tsa'].token, tsa.caPem)).to.deep.equal({ ok: false, code: 'UNTRUSTED', name: 'TimestampError' })
    expect(await verifyInPage(page, altered, tsa.caPem)).to.deep.equal({ ok: false, code: 'BAD_SIGNATURE', name: 'TimestampError' })
    expect(await verifyInPage(page, tokens.valid.token, tsa.caPem, '2020-01-01T00:00:00Z')).to.deep.equal({ ok: false, code: 'BAD_TIME', name: 'TimestampError' })
  })

  it('says UNSUPPORTED, not a crash, where the page has no WebCrypto (not a secure context)', async () => {
    const insecure = await pageWithBundle('about:blank')
    expect(await verifyInPage(insecure, tokens.valid.token, tsa.caPem)).to.deep.equal({ ok: false, code: 'UNSUPPORTED', name: 'TimestampError' })
    await insecure.close()
  })
})
