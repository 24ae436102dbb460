// Web pages: what each page downloads (raw and gzip), and the time from opening /verify to its verdict in Chromium.
/**
 *   npm run bench -- web [runs]      (default 10 verifications)
 *
 * Builds the pages (src/web/build.ts), then starts a real service (embedded anvil, a writer over
 * TCP on 127.0.0.1, one seal) with the API and pages on 127.0.0.1, and opens
 * `/verify?key=…&version=…` in a fresh Chromium tab `runs` times: the time is from navigation to
 * the verdict on screen (the page fetches its bundle from a warm HTTP cache after the first run,
 * as a returning visitor would; the first, cold run is shown apart). Issue 13 sets no target for
 * these; they are here so that a change that doubles them shows.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { chromium } from 'playwright-core'
import { buildApp } from '../src/api'
import { loadConfig } from '../src/config'
import { HypersealService } from '../src/service'
import { buildSite } from '../src/web/build'
import { appendN, localWriter, runCleanups, waitFor } from '../test/heads/helpers'
import { machine, median, ms, num, printTable } from './support/measure'

const kib = (bytes: number): string => `${num(bytes / 1024, 1)} KiB`

async function main (): Promise<void> {
  const runs = Number(process.argv[2] ?? 10)
  const scratch = mkdtempSync(join(tmpdir(), 'hs-bench-web-'))
  console.log(`bench web: ${machine()}\n`)
  try {
    const started = performance.now()
    const site = await buildSite({ outDir: join(scratch, 'site') })
    console.log(`build: ${ms(performance.now() - started)}\n`)
    const size = new Map(site.files.map((f) => [f.path, f]))
    const rows = Object.entries(site.pages).map(([page, files]) => {
      const sum = (key: 'bytes' | 'gzipBytes', ext: string): number => files.filter((f) => f.endsWith(ext)).reduce((n, f) => n + (size.get(f)?.[key] ?? 0), 0)
      return [page, String(files.length), kib(sum('bytes', '.js')), kib(sum('gzipBytes', '.js')), kib(sum('bytes', '.css')), kib(sum('gzipBytes', '.css'))]
    })
    printTable(['page', 'files', 'JS raw', 'JS gzip', 'CSS raw', 'CSS gzip'], rows)

    const service = await HypersealService.open(loadConfig({ env: { HYPERSEAL_DATA: join(scratch, 'data'), HYPERSEAL_PORT: '0', HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_CHAIN_PORT: '0' } }), { updateTimeoutMs: 3000 })
    const app = buildApp({ service, adminToken: service.adminToken, metrics: service.registry, site: site.dir, rateLimit: false })
    try {
      await app.listen({ host: '127.0.0.1', port: 0 })
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
      const writer = await localWriter()
      await appendN(writer.core, 1000)
      await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
      await waitFor(() => service.watcher.watched().some((w) => w.key === writer.key && w.length === 1000), 'the replica', 60_000)
      await service.sealNow()
      const browser = await chromium.launchPersistentContext(join(scratch, 'chromium'), {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
      })
      try {
        const times: number[] = []
        for (let i = 0; i < runs + 1; i++) {
          const page = await browser.newPage()
          const t0 = performance.now()
          await page.goto(`${base}/verify?key=${writer.key}&version=500`)
          await page.locator('[data-status="verified"]').waitFor({ timeout: 120_000 })
          times.push(performance.now() - t0)
          await page.close()
        }
        console.log(`\n/verify of version 500 of a 1,000-block core, navigation to verdict: cold ${ms(times[0])}, warm median ${ms(median(times.slice(1)))} over ${runs} runs`)
      } finally {
        await browser.close()
      }
    } finally {
      await app.close()
      await service.close()
      await runCleanups()
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
