import { expect } from 'chai'
import type { AddressInfo } from 'node:net'
import { Registry } from 'prom-client'
import { buildApp, type ServicePort } from '../../src/api'
import type { Verdict } from '../../src/verify'
import { onCleanup, runCleanups, waitFor } from '../heads/helpers'

type Readiness = Awaited<ReturnType<ServicePort['ready']>>
const KEY = 'ab'.repeat(32)
const TOKEN = 'capacity-test-token-0123456789'

/**
 * TEST DOUBLE (narrow, by design): a service whose `verify` and `pageReceipts` wait until the
 * test releases them, and whose `ready` answers what the test sets (or never). It stands in for
 * a slow verify (a peer that takes its time, a core with a long history) so that the test
 * controls exactly how many expensive requests are in flight; the cap itself, Fastify and the
 * sockets are real. Other methods are not used here.
 */
function slowService (): { service: ServicePort, started: () => number, release: () => void, setReady: (r: Readiness | 'hang') => void } {
  let started = 0
  let release!: () => void
  let gate = new Promise<void>((resolve) => { release = resolve })
  let readiness: Readiness | 'hang' = { ready: true, checks: { chain: { ok: true } } }
  const slow = async <T>(value: T): Promise<T> => {
    started++
    await gate
    return value
  }
  const unused = async (): Promise<never> => { throw new Error('not used by this test') }
  const service: ServicePort = {
    info: () => { throw new Error('not used by this test') },
    trust: () => { throw new Error('not used by this test') },
    pageCores: async () => ({ items: [], next: null }),
    watchCore: unused,
    watchCores: unused,
    unwatchCore: unused,
    sealNow: unused,
    anchorNow: unused,
    pageBatches: async () => ({ items: [], next: null }),
    pageBatchLeaves: async () => await slow({ items: [], next: null }),
    pageIncidents: async () => ({ items: [], next: null }),
    pageReceipts: async () => await slow({ items: [], next: null }),
    receiptAt: unused,
    listMigrations: unused,
    proveRecord: unused,
    cachedVerify: () => null,
    verify: async (key, version) => await slow({ key, version, status: 'pending', sealedAt: null, final: false, receipt: null, replica: { length: 0, fork: 0, treeHash: null }, incidents: [], reason: 'not sealed yet', chain: null, trust: 'ab'.repeat(32), checks: [] } as unknown as Verdict),
    auditReport: unused,
    replicaProofs: unused,
    sealerAccount: unused,
    alertsOverview: () => { throw new Error('not used by this test') },
    testAlerts: unused,
    health: () => ({ status: 'ok', uptimeSeconds: 1 }),
    passStatus: () => ({ last: null, failedInARow: 0 }),
    ready: async () => {
      const r = readiness
      return r === 'hang' ? await new Promise<never>(() => {}) : r
    }
  }
  return {
    service,
    started: () => started,
    release: () => {
      release()
      gate = new Promise<void>((resolve) => { release = resolve })
    },
    setReady: (r) => { readiness = r }
  }
}

async function listen (service: ServicePort, extra: Partial<Parameters<typeof buildApp>[0]> = {}): Promise<string> {
  const app = buildApp({ service, adminToken: TOKEN, metrics: new Registry(), rateLimit: false, ...extra })
  onCleanup(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

describe('API: the cap on expensive requests, and probes under load (real HTTP on 127.0.0.1)', function () {
  this.timeout(60_000)
  afterEach(runCleanups)

  it('answers 503 BUSY with Retry-After past the cap, without queuing, while /health, /ready and cheap lists answer', async () => {
    const slow = slowService()
    const base = await listen(slow.service, { expensiveRequests: 2 })
    const held = [fetch(`${base}/v1/verify/${KEY}/3`), fetch(`${base}/v1/verify/${KEY}/4`)]
    await waitFor(() => slow.started() === 2, 'two verifies in flight')

    for (const path of [`/v1/verify/${KEY}/5`, `/v1/cores/${KEY}/receipts`, '/v1/batches/0/leaves', `/v1/cores/${KEY}/receipts?limit=5`, `/v1/cores/${KEY}/proofs?lengths=3`]) {
      const res = await fetch(base + path)
      expect(res.status, path).to.equal(503)
      expect(res.headers.get('retry-after'), path).to.equal('5')
      const body = await res.json() as { error: { code: string, message: string } }
      expect(body.error.code).to.equal('BUSY')
    }
    // Refused requests never reached the service: nothing queued behind the two.
    expect(slow.started()).to.equal(2)

    const health = await fetch(`${base}/health`)
    expect(health.status).to.equal(200)
    const ready = await fetch(`${base}/ready`)
    expect(ready.status).to.equal(200)
    expect(((await ready.json()) as { ready: boolean }).ready).to.equal(true)
    expect((await fetch(`${base}/v1/batches`)).status).to.equal(200)
    expect((await fetch(`${base}/v1/incidents`)).status).to.equal(200)

    slow.release()
    const answers = await Promise.all(held)
    expect(answers.map((r) => r.status)).to.deep.equal([200, 200])
    // The slots are free again.
    const again = fetch(`${base}/v1/verify/${KEY}/6`)
    await waitFor(() => slow.started() === 3, 'a third verify in flight')
    slow.release()
    expect((await again).status).to.equal(200)
  })

  it('many concurrent verifies: exactly the cap runs, every other one is BUSY at once', async () => {
    const slow = slowService()
    const base = await listen(slow.service, { expensiveRequests: 3 })
    const statuses: number[] = []
    const requests = Array.from({ length: 12 }, (_, i) => fetch(`${base}/v1/verify/${KEY}/${i + 1}`).then((r) => { statuses.push(r.status); return r.status }))
    // Nine answers come while three verifies are still held: all of them BUSY.
    await waitFor(() => statuses.length === 9, 'nine answers', 30_000)
    expect(statuses).to.deep.equal(Array(9).fill(503))
    expect(slow.started()).to.equal(3)
    slow.release()
    const final = await Promise.all(requests)
    expect(final.filter((s) => s === 200)).to.have.length(3)
    expect(slow.started()).to.equal(3)
  })

  it('/ready answers at once from its background check, follows the service, and says not ready when the check hangs', async () => {
    const slow = slowService()
    const base = await listen(slow.service, { readiness: { refreshMs: 50, timeoutMs: 200 } })
    expect((await fetch(`${base}/ready`)).status).to.equal(200)
    slow.setReady({ ready: false, checks: { chain: { ok: false, detail: 'rpc down' } } })
    await waitFor(async () => (await fetch(`${base}/ready`)).status === 503, '/ready to follow the service')
    const down = await (await fetch(`${base}/ready`)).json() as { checks: Record<string, { ok: boolean, detail?: string }>, error: { code: string } }
    expect(down.error.code).to.equal('NOT_READY')
    expect(down.checks.chain).to.deep.equal({ ok: false, detail: 'rpc down' })

    // A check that never answers: the probe is not held, it gets "not ready" with the reason.
    slow.setReady('hang')
    await waitFor(async () => {
      const res = await fetch(`${base}/ready`)
      return res.status === 503 && ((await res.json()) as { checks: { service?: { detail?: string } } }).checks.service?.detail === 'no answer within 200 ms'
    }, '/ready to report the hanging check')
    expect((await fetch(`${base}/health`)).status).to.equal(200)
  })

  it('a service that never answers its first readiness check still gets an answer on the first probe', async () => {
    const slow = slowService()
    slow.setReady('hang')
    const base = await listen(slow.service, { readiness: { refreshMs: 1_000, timeoutMs: 100 } })
    const res = await fetch(`${base}/ready`)
    expect(res.status).to.equal(503)
    expect(((await res.json()) as { checks: { service: { detail: string } } }).checks.service.detail).to.equal('no answer within 100 ms')
  })
})
