import { mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { buildApp } from '../../src/api'
import { HypersealService } from '../../src/service'
import { buildSite, type SiteBuild } from '../../src/web/build'
import { onCleanup, tempDir, waitFor } from '../heads/helpers'
import { testConfig } from '../sealer/helpers'

/** Screenshots of every page state the tests reach: test-artifacts/web/ (git-ignored). */
export const ARTIFACTS = resolve(__dirname, '../../test-artifacts/web')

/** Debian's Chromium, started as the machine's notes say (no sandbox as root, no background traffic). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export interface WebFixture {
  service: HypersealService
  app: FastifyInstance
  site: SiteBuild
  /** http://127.0.0.1:<port> */
  base: string
  browser: BrowserContext
  /** A new tab whose console errors, page errors and failed requests are collected in `problems`. */
  open (path: string): Promise<{ page: Page, problems: string[] }>
  /** Saves a full-page screenshot as test-artifacts/web/<name>.png and returns its path. */
  shot (page: Page, name: string): Promise<string>
}

/**
 * The real stack for browser tests: the pages built by src/web/build.ts into a temp dir, a real
 * service (embedded anvil, Corestore, replication on 127.0.0.1) with its API and pages listening
 * on 127.0.0.1, and Chromium with a fresh profile. Everything is closed by runCleanups. `env`
 * adds to the service's configuration (e.g. test/anchors/helpers.ts `anchorsConfig`).
 */
export async function openWeb (opts: { env?: Record<string, string> } = {}): Promise<WebFixture> {
  const site = await buildSite({ outDir: tempDir('hs-site-') })
  const service = await HypersealService.open(testConfig(tempDir('hs-web-'), opts.env), { updateTimeoutMs: 3000 })
  onCleanup(() => service.close())
  const app = buildApp({ service, adminToken: service.adminToken, auditorToken: service.auditorToken, metrics: service.registry, site: site.dir, rateLimit: false })
  onCleanup(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const browser = await chromium.launchPersistentContext(tempDir('hs-chromium-'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  onCleanup(() => browser.close())
  mkdirSync(ARTIFACTS, { recursive: true })
  return {
    service,
    app,
    site,
    base,
    browser,
    open: async (path) => {
      const page = await browser.newPage()
      const problems: string[] = []
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
      page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`) })
      await page.goto(base + path)
      return { page, problems }
    },
    shot: async (page, name) => {
      const path = join(ARTIFACTS, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    }
  }
}

/** Waits until the service's replica of `key` is at (length, fork). */
export async function replicaAt (service: HypersealService, key: string, length: number, fork = 0): Promise<void> {
  await waitFor(() => service.watcher.watched().some((w) => w.key === key && w.length === length && w.fork === fork), `replica of ${key.slice(0, 8)} at ${length}/${fork}`, 60_000)
}

/** The verdict the page shows, once it shows one (the verifier runs in the page; wait for its result). */
export async function shownStatus (page: Page): Promise<string> {
  const verdict = page.locator('[data-status]')
  const error = page.locator('p.error[role="alert"]')
  await verdict.or(error).first().waitFor({ timeout: 90_000 })
  if (await error.count() > 0 && await verdict.count() === 0) throw new Error(`the page shows an error instead of a verdict: ${await error.first().innerText()}`)
  return (await verdict.getAttribute('data-status'))!
}

/**
 * Another JSON-RPC origin for the same chain: a plain HTTP forwarder on 127.0.0.1 in front of
 * `target` (any path, so an RPC URL can carry a key-like path), passing CORS through as the node
 * answers it. Counts the requests it forwarded.
 */
export async function rpcForwarder (target: string): Promise<{ url: string, requests: () => number }> {
  let requests = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests++
      const headers: Record<string, string> = {}
      for (const name of ['content-type', 'origin', 'access-control-request-method', 'access-control-request-headers']) {
        const v = req.headers[name]
        if (typeof v === 'string') headers[name] = v
      }
      fetch(target, { method: req.method, headers, ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) }).then(async (answer) => {
        const out: Record<string, string> = {}
        answer.headers.forEach((v, k) => { if (k !== 'content-length' && k !== 'content-encoding' && k !== 'transfer-encoding') out[k] = v })
        res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()))
      }, () => res.writeHead(502).end())
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  onCleanup(() => new Promise<void>((r) => server.close(() => r())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests }
}

/** The checks the page lists, as [name, ok] pairs. */
export const checksOf = (page: Page): Promise<Array<[string, string]>> =>
  page.locator('[data-check]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-check')!, e.getAttribute('data-ok')!] as [string, string]))

export type Json = Record<string, unknown>

/** Drops `doc` as a file on the page's file field (once the page has read the trust root) and returns the result it shows. */
export async function dropFile (page: Page, name: string, doc: unknown): Promise<string> {
  await page.locator('[data-trust-source]').waitFor()
  await page.getByLabel('Or a receipt file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) })
  return await shownStatus(page)
}

/** Drags `doc` as a file onto the page's drop field (a real drop event with a DataTransfer) and returns the result it shows. */
export async function dragFile (page: Page, name: string, doc: unknown): Promise<string> {
  await page.locator('[data-trust-source]').waitFor()
  // (Runs in the page, written as text: these tests are typed without the DOM.)
  const transfer = await page.evaluateHandle(`(() => { const dt = new DataTransfer(); dt.items.add(new File([${JSON.stringify(JSON.stringify(doc))}], ${JSON.stringify(name)}, { type: 'application/json' })); return dt })()`)
  await page.locator('.drop').dispatchEvent('drop', { dataTransfer: transfer })
  return await shownStatus(page)
}

/** The proof with one byte of its first part's first block changed (hex `data`, first byte XOR 1). */
export function flippedBlock (proof: Json): Json {
  const copy = structuredClone(proof)
  const block = ((copy.parts as Json[])[0].blocks as Json[])[0]
  const data = Buffer.from(block.data as string, 'hex')
  data[0] ^= 1
  block.data = data.toString('hex')
  return copy
}
