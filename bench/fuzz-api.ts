/**
 * The API fuzzer with figures: hostile requests (test/fuzz/requests.ts) against every route of a
 * real service (embedded anvil, Corestore, TCP replication), counted by status.
 *   npm run bench -- fuzz-api [requests=10000]
 */
import fc from 'fast-check'
import { runCleanups } from '../test/heads/helpers'
import { sealedWriter } from '../test/sealer/helpers'
import { openApi } from '../test/api/helpers'
import { checkAnswer, requestArbitrary } from '../test/fuzz/requests'

async function main (): Promise<void> {
  const runs = Number(process.argv[2] ?? 10_000)
  // No rate limit: every request should reach its route (the limit itself is tested apart).
  const api = await openApi({ rateLimit: false })
  const writer = await sealedWriter(api.service, 3)
  const ctx = { app: api.app, token: api.token, key: writer.key }
  const statuses = new Map<number, number>()
  const started = Date.now()
  let failure: string | null = null
  try {
    await fc.assert(fc.asyncProperty(requestArbitrary(ctx), async (req) => {
      const { status } = await checkAnswer(ctx, req)
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }), { numRuns: runs })
  } catch (err) {
    failure = (err as Error).message.split('\n').slice(0, 6).join('\n')
  }
  const total = [...statuses.values()].reduce((a, b) => a + b, 0)
  const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0)
  console.log(`requests ${total} in ${((Date.now() - started) / 1000).toFixed(1)} s | 5xx ${fivexx} | by status ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`)
  console.log(failure === null ? 'PASS  no 5xx, every 4xx a coded error' : `FAIL  ${failure}`)
  await runCleanups()
  process.exitCode = failure === null ? 0 : 1
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
