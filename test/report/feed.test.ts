import { expect } from 'chai'
import type { ChainClient, ChainReader } from '../../src/chain'
import type { EvidenceCache, PinnedTrust } from '../../src/evidence'
import { canonicalReport, checkReceiptsFile } from '../../src/report'
import { HypersealService } from '../../src/service'
import { auditDeps } from '../../src/service/audit-deps'
import { auditReport, type AuditDeps } from '../../src/service/report-audit'
import { appendN, localWriter, onCleanup, runCleanups, tempDir, waitFor, type LocalWriter } from '../heads/helpers'
import { testConfig } from '../sealer/helpers'
import { referenceReport } from './feed-reference'

/**
 * The streamed service feed (report-feed.ts: batches without leaves, one seal time's receipts
 * at a time, signatures on worker threads, the receipts file in a temporary file) gives the
 * report the whole-period feed gave before it (feed-reference.ts) for the same ledger: same
 * content, same receipts file. A real service, real cores, a real chain; several seal times
 * (windows), a rewound core (its newest seal is not its longest), periods that cut the history
 * (a core's latest receipt after the period, its seal before the period).
 */
describe('report feed: streamed = whole-period, on a real ledger of many batches', function () {
  this.timeout(300_000)
  let service: HypersealService
  let deps: AuditDeps
  let writers: LocalWriter[]
  const sealedAt: number[] = []

  const replicaAt = async (w: LocalWriter, length: number, fork = 0): Promise<void> => {
    await waitFor(() => {
      const c = service.watcher.watched().find((x) => x.key === w.key)
      return c?.length === length && c.fork === fork
    }, `replica of ${w.key.slice(0, 8)} at ${length}/${fork}`, 30_000)
  }
  const seal = async (): Promise<void> => {
    await service.sealNow()
    sealedAt.push(Date.parse((await service.log.latestBatch())!.sealedAt))
  }

  before(async () => {
    service = await HypersealService.open(testConfig(tempDir('hs-report-feed-'), { HYPERSEAL_SCHEDULE: '* * * * * *' }), { updateTimeoutMs: 2000 })
    onCleanup(() => service.close())
    writers = [await localWriter(), await localWriter(), await localWriter()]
    for (const w of writers) {
      await appendN(w.core, 2)
      await service.watchCore(w.key, [`127.0.0.1:${w.port}`])
      await replicaAt(w, 2)
    }
    await seal()
    // Six more passes, each changing some cores; core 0 is rewound in the fourth.
    for (let pass = 1; pass <= 6; pass++) {
      for (const [i, w] of writers.entries()) {
        if ((pass + i) % 3 === 0) continue
        if (i === 0 && pass === 4) {
          await w.core.truncate(1)
          await appendN(w.core, 1, 'rewritten')
        } else {
          await appendN(w.core, 1)
        }
        await replicaAt(w, w.core.length, w.core.fork)
      }
      await seal()
    }
    // The service's own parts, as service.auditReport hands them over (private there).
    const own = service as unknown as { chain: { client: ChainClient }, reader: ChainReader, pinned: PinnedTrust, evidence: EvidenceCache, reportKey: { secretKey: Buffer } }
    const now = new Date()
    deps = {
      ...auditDeps({ log: service.log, journal: service.journal, chain: own.chain.client, reader: own.reader, trust: own.pinned, cache: own.evidence, secretKey: own.reportKey.secretKey }, service.info()),
      now: () => now
    }
  })
  after(runCleanups)

  async function same (query: { from: Date, to: Date, keys?: string[] }, poolMinReceipts: number): Promise<number> {
    const expected = await referenceReport(deps, query)
    const built = await auditReport({ ...deps, poolMinReceipts }, query)
    const file = await built.receiptsFile.read()
    onCleanup(() => built.receiptsFile.release())
    expect(canonicalReport(built.signed.report).toString()).to.equal(canonicalReport(expected.signed.report).toString())
    expect(file.equals(expected.receiptsFile)).to.equal(true)
    expect(checkReceiptsFile(built.signed.report.receipts, file)).to.deep.equal({ ok: true })
    return built.signed.report.receipts.lines
  }

  it('the whole history: every seal time a window, on the main thread and on worker threads', async () => {
    const query = { from: new Date(sealedAt[0] - 1000), to: new Date(sealedAt[sealedAt.length - 1] + 1000) }
    const lines = await same(query, Infinity)
    expect(lines).to.be.greaterThan(12)
    expect(await same(query, 0)).to.equal(lines)
  })

  it('a period that cuts the history: seals before it, latest receipts after it', async () => {
    const query = { from: new Date(sealedAt[2]), to: new Date(sealedAt[5]) }
    await same(query, Infinity)
    await same(query, 0)
  })

  it('the cores asked for, the rewound one among them', async () => {
    await same({ from: new Date(sealedAt[1]), to: new Date(sealedAt[6] + 1000), keys: [writers[0].key, writers[2].key] }, 0)
  })
})
