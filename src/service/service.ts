import { join } from 'node:path'
import { Registry } from 'prom-client'
import type { AuditQuery, CoreView, PassResult, RecordQuestion, ReplicaProofs, SealerAccount, ServiceInfo, ServicePort, TimeRange, WatchItem } from '../api'
import type { Config } from '../config'
import { HeadsError, HeadWatcher, keyHex, parseKey } from '../heads'
import { Journal, openDataDir, ReceiptsLog, type PassSummary, type BatchRecord, type BatchSummary, type DataDir, type Page, type PageQuery, type ReceiptEntry } from '../ledger'
import { loadFastKeccak, type HeadJson, type Incident, type Migration } from '../seal'
import {
  checkRecentSeals, resolveUnfinished, runSealPass, scheduleAnchors, scheduleSealPasses, SealerError, SingleFlight,
  type AnchorRun, type Schedule, type SealerDeps, type SealerMetrics
} from '../sealer'
import { createChainReader, type ChainReader } from '../chain'
import { EvidenceCache, type PinnedTrust } from '../evidence'
import type { TrustRoot } from '../trust'
import { errInfo, SILENT_LOGGER, type Logger } from '../util'
import { resolveAdminToken, resolveAuditorToken } from './admin-token'
import { connectChain, type ChainConnection } from './chain-connect'
import { passResult, serviceInfo } from './views'
import { openMetrics } from './sealer-metrics'
import { createWatcher, sealerDeps, type ServiceOptions } from './wiring'
import { listCores, pageCores, watchCores } from './watch-list'
import { StructureRegistry } from './structures'
import { proveRecord } from './prove-record'
import { CachedVerifier } from './cached-verify'
import { LedgerReads } from './ledger-reads'
import type { Verdict } from '../verify'
import { nominalIntervalSeconds, type BuiltReport } from '../report'
import { auditReport } from './report-audit'
import { auditDeps } from './audit-deps'
import { loadReportKey } from './report-key'
import { serviceTrustRoot } from './trust-root'
import { runServiceAnchors, openAnchors, type ServiceAnchors } from './anchors'
import { replicaProofs } from './replica-proofs'
import { SealerAccountReader } from './sealer-account'
import { readiness, type Readiness } from './readiness'
import type { Alerter, AlertsOverview, TestAnswer } from '../alerts'
import { AlertMonitor, openAlerts } from './alert-monitor'

/**
 * The running service: the data directory, the chain, the watcher and the sealer, behind the
 * port the HTTP API uses. Open it with `HypersealService.open(config)`; `close()` stops all.
 */
export class HypersealService implements ServicePort {
  readonly registry: Registry
  readonly adminToken: string
  /** Reads what an auditor may (reports, incident evidence, peer addresses); never writes. */
  readonly auditorToken: string
  private readonly reportKey: { secretKey: Buffer, publicKey: Buffer }
  private readonly flight = new SingleFlight()
  private readonly startedAt = Date.now()
  private readonly deps: SealerDeps
  private schedule: Schedule | null = null
  private anchorSchedule: Schedule | null = null
  private recovered = false
  /** Whether the start-up check of recent seals ran; if the chain was down, the next pass runs it. */
  private sealsChecked = false
  private readonly updateTimeoutMs: number
  private closed = false
  private readonly pinned: PinnedTrust
  /** Chain answers about final seals: they cannot change, so verifying them again needs no RPC call. */
  private readonly evidence = new EvidenceCache()
  private readonly account: SealerAccountReader
  /** Which watched core is a Hyperbee or a Hyperdrive (and a drive's blobs core). */
  readonly structures: StructureRegistry
  private readonly verifier: CachedVerifier
  private readonly reads: LedgerReads
  private readonly monitor: AlertMonitor

  private constructor (
    private readonly config: Config,
    private readonly dataDir: DataDir,
    private readonly chain: ChainConnection,
    readonly watcher: HeadWatcher,
    readonly log: ReceiptsLog,
    readonly journal: Journal,
    private readonly logger: Logger,
    private readonly reader: ChainReader,
    replication: { host: string, port: number },
    opts: ServiceOptions,
    metrics: { registry: Registry, sealer: SealerMetrics, alerter: Alerter },
    private readonly anchors: ServiceAnchors
  ) {
    this.registry = metrics.registry
    this.updateTimeoutMs = opts.updateTimeoutMs ?? 10_000
    this.adminToken = resolveAdminToken(dataDir.dir, config.adminToken).token
    this.auditorToken = resolveAuditorToken(dataDir.dir, config.auditorToken, this.adminToken).token
    this.reportKey = loadReportKey(dataDir.dir)
    this.structures = new StructureRegistry(dataDir.store, { journal, log, watcher, logger, askTimeoutMs: this.updateTimeoutMs })
    this.deps = sealerDeps(config, chain, { watcher, log, journal, logger, metrics: metrics.sealer, alerts: metrics.alerter }, opts, this.updateTimeoutMs)
    this.account = new SealerAccountReader({ chain: chain.client, log })
    this.monitor = new AlertMonitor({ alerts: metrics.alerter, metrics: metrics.sealer, account: this.account, schedule: config.schedule, logger, startedAt: this.startedAt, anchors: anchors.targets })
    this.reads = new LedgerReads(log, journal)
    this.pinned = serviceTrustRoot({
      info: this.info(),
      deployBlock: chain.embedded?.deployBlock ?? 0,
      replication: `${replication.host}:${replication.port}`,
      ...(chain.embedded !== null ? { embeddedRpc: chain.embedded.rpcUrl } : {}),
      anchors: anchors.trust
    })
    this.verifier = new CachedVerifier({ watcher, log, journal, reader, trust: this.pinned, cache: this.evidence, updateTimeoutMs: this.updateTimeoutMs, structures: this.structures, anchors: anchors.sources })
  }

  /**
   * Opens everything in order (data directory, chain, ledger, watcher), re-watches the journal's
   * cores, listens for writers, then settles batches a crash left unfinished. A chain that is
   * down at that moment does not stop the start: the first pass settles them instead.
   */
  static async open (config: Config, opts: ServiceOptions = {}): Promise<HypersealService> {
    const logger = opts.logger ?? SILENT_LOGGER
    const undo: Array<() => Promise<unknown>> = []
    // Leaf hashes and Merkle folds (batches, verifies, reports) by WebAssembly from here on.
    await loadFastKeccak()
    try {
      const dataDir = await openDataDir(config.dataDir)
      undo.push(() => dataDir.close())
      const chain = await connectChain(config, dataDir.dir, logger, opts.rpcTimeoutMs)
      undo.push(async () => { chain.client.close(); await chain.embedded?.stop() })
      const log = await ReceiptsLog.open(dataDir.store)
      undo.push(() => log.close())
      const journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
      undo.push(() => journal.close())
      const metrics = await openMetrics(opts.registry ?? new Registry(), log, journal)
      const alerter = await openAlerts({ dir: dataDir.dir, config, log, chain, logger, registry: metrics.registry, retry: opts.alertRetry })
      undo.push(() => alerter.close())
      const watcher = createWatcher(dataDir.store, config, opts, { logger, log, metrics: metrics.sealer, alerts: alerter })
      undo.push(() => watcher.close())
      for (const entry of await journal.listWatched()) await watcher.watch(entry.key, entry.peers, { restored: true })
      const replication = await watcher.listen()
      // Verification reads the chain through its own read-only reader: the trust root, not the
      // sealer's client, says which contract counts.
      const reader = await createChainReader({ rpcUrl: chain.embedded?.rpcUrl ?? config.rpc!, expectedChainId: chain.chainId, ...(opts.rpcTimeoutMs !== undefined ? { timeoutMs: opts.rpcTimeoutMs } : {}) })
      undo.push(async () => { reader.close() })
      const anchors = await openAnchors(config.anchors, opts.timestamps, opts.rpcTimeoutMs)
      undo.push(async () => { anchors.close() })
      const service = new HypersealService(config, dataDir, chain, watcher, log, journal, logger, reader, replication, opts, { ...metrics, alerter }, anchors)
      await journal.passes.recordStart(config.schedule, nominalIntervalSeconds(config.schedule))
      await service.recover()
      return service
    } catch (err) {
      for (const step of undo.reverse()) await step().catch(() => {})
      throw err
    }
  }

  /**
   * Settles unfinished batches, then checks the latest final seals on chain and seals again
   * what the chain forgot (logged and recorded as `resealOf`). A chain that is down now leaves
   * both to the first pass.
   */
  private async recover (): Promise<void> {
    try {
      await this.flight.run(async () => {
        await resolveUnfinished(this.deps)
        this.recovered = true
        await checkRecentSeals(this.deps)
        this.sealsChecked = true
      })
    } catch (err) {
      this.logger.error({ err: errInfo(err) }, 'unfinished batches or recent seals could not be settled at start; the next pass retries')
    }
  }

  /** Seal passes on the configured cron schedule, until `close()`. */
  startSchedule (): void {
    if (this.schedule === null) this.schedule = scheduleSealPasses(this.config.schedule, () => this.sealNow(), this.logger)
    if (this.anchorSchedule === null) this.anchorSchedule = scheduleAnchors(this.anchors.targets, (name) => this.anchorNow([name]), this.logger)
    this.monitor.start()
  }

  info (): ServiceInfo { return serviceInfo(this.chain, this.config, this.log.key.toString('hex'), this.reportKey.publicKey.toString('hex')) }

  trust (): { root: TrustRoot, fingerprint: string } { return { root: this.pinned.root, fingerprint: this.pinned.fingerprint } }

  get rpcUrl (): string | undefined { return this.chain.embedded?.rpcUrl ?? this.config.rpc }

  async listCores (): Promise<CoreView[]> {
    return (await listCores(this)).map((c) => ({ ...c, ...this.structures.view(c.key) }))
  }

  async pageCores (page: PageQuery): Promise<Page<CoreView>> {
    const found = await pageCores(this, page)
    return { ...found, items: found.items.map((c) => ({ ...c, ...this.structures.view(c.key) })) }
  }

  async watchCore (key: string, peers: string[], label?: string): Promise<{ created: boolean, core: CoreView }> {
    const { created, cores } = await this.watchCores([{ key, peers, ...(label === undefined ? {} : { label }) }])
    return { created: created === 1, core: cores[0] }
  }

  /** Watches the cores, opening none: what each is is learned later (structures.ts), a known drive's parts follow new peers. */
  async watchCores (items: WatchItem[]): Promise<{ created: number, merged: number, cores: CoreView[] }> {
    const done = await watchCores(this, items)
    this.structures.watched(done.cores.map((c) => c.key))
    return { ...done, cores: done.cores.map((c) => ({ ...c, ...this.structures.view(c.key) })) }
  }

  async unwatchCore (key: string): Promise<void> {
    const hex = keyHex(parseKey(key))
    if (!await this.journal.removeWatch(hex)) throw new HeadsError('NOT_WATCHED', `Core ${hex} is not watched.`)
    await this.watcher.unwatch(hex).catch(() => {})
  }

  async sealNow (): Promise<PassResult> {
    if (this.closed) throw new SealerError('CLOSED', 'The service is shutting down.')
    const passes = this.deps.metrics!.passes
    return await this.flight.run(async () => {
      try {
        // A drive told by now has its blobs core watched before the pass: both seal together.
        await this.structures.beforePass(Math.min(this.updateTimeoutMs, 2000))
        const outcome = await runSealPass(this.deps, { checkSeals: !this.sealsChecked })
        this.recovered = true
        this.sealsChecked = true
        passes.inc({ result: outcome.batch === null ? 'unchanged' : 'sealed' })
        await this.monitor.passEnded(null)
        return passResult(outcome)
      } catch (err) {
        passes.inc({ result: 'failed' })
        await this.monitor.passEnded(err)
        throw err
      }
    })
  }

  /** The later anchors named (all by default), their log writes in the seal single flight (anchors.ts `runServiceAnchors`). */
  async anchorNow (names?: readonly string[]): Promise<AnchorRun[]> {
    const configured = this.anchors.targets.map((t) => t.name)
    const unknown = (names ?? []).filter((n) => !configured.includes(n))
    if (unknown.length > 0) throw new SealerError('NO_SUCH_ANCHOR', `No anchor named ${unknown.map((n) => `"${n}"`).join(', ')}; the configured later anchors are: ${configured.length === 0 ? 'none' : configured.join(', ')}.`)
    const deps = { log: this.log, journal: this.journal, logger: this.logger, anchors: this.anchors.targets, ...(this.deps.fault !== undefined ? { fault: this.deps.fault } : {}) }
    return await runServiceAnchors({ flight: this.flight, closed: () => this.closed, deps, metrics: this.deps.metrics!, monitor: this.monitor }, names)
  }

  async listBatches (range: TimeRange): Promise<BatchRecord[]> { return await this.reads.listBatches(range) }
  async listIncidents (range: TimeRange & { key?: string }): Promise<Incident[]> { return await this.reads.listIncidents(range) }
  async coreReceipts (key: string): Promise<ReceiptEntry[]> { return await this.reads.coreReceipts(key) }
  async pageBatches (range: TimeRange, page: PageQuery): Promise<Page<BatchSummary>> { return await this.reads.pageBatches(range, page) }
  async pageBatchLeaves (seq: number, page: PageQuery): Promise<Page<HeadJson>> { return await this.reads.pageBatchLeaves(seq, page) }
  async pageIncidents (range: TimeRange & { key?: string }, page: PageQuery): Promise<Page<Incident>> { return await this.reads.pageIncidents(range, page) }
  async pageReceipts (key: string, page: PageQuery): Promise<Page<ReceiptEntry>> { return await this.reads.pageReceipts(key, page) }
  async receiptAt (key: string, length: number): Promise<ReceiptEntry | null> { return await this.reads.receiptAt(key, length) }
  async listMigrations (key: string): Promise<Migration[]> { return await this.log.listMigrations(keyHex(parseKey(key))) }

  cachedVerify (key: string, version: number): Verdict | null { return this.verifier.cached(key, version) }
  async verify (key: string, version: number): Promise<Verdict> { return await this.verifier.verify(key, version) }

  async proveRecord (key: string, question: RecordQuestion): Promise<Record<string, unknown>> {
    return await proveRecord({ log: this.log, journal: this.journal, structures: this.structures, updateTimeoutMs: this.updateTimeoutMs }, key, question)
  }

  async auditReport (query: AuditQuery): Promise<BuiltReport> {
    const parts = { log: this.log, journal: this.journal, chain: this.chain.client, reader: this.reader, trust: this.pinned, cache: this.evidence, secretKey: this.reportKey.secretKey }
    return await auditReport(auditDeps(parts, this.info()), query)
  }

  async replicaProofs (key: string, lengths: number[]): Promise<ReplicaProofs> { return await replicaProofs(this, key, lengths) }
  async sealerAccount (): Promise<SealerAccount> { return await this.account.read() }
  alertsOverview (): AlertsOverview { return this.monitor.alerts.overview() }
  async testAlerts (): Promise<TestAnswer[]> { return await this.monitor.alerts.testAlerts() }
  async checkAlerts (now?: number): Promise<void> { await this.monitor.check(now) } // anchors and funds now (every 30 s on the schedule)

  /** The last pass and the failures in a row (`hyperseal status`, GET /v1/status). */
  passStatus (): PassSummary { return this.journal.passes.summary() }

  health (): { status: 'ok', uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000) }
  }

  async ready (): Promise<Readiness> {
    return await readiness({ closed: this.closed, recovered: this.recovered, chain: this.chain.client })
  }

  /** Stops the schedule, lets a running pass end, then closes everything in reverse order. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.schedule?.stop()
    await this.anchorSchedule?.stop()
    await this.flight.idle()
    await this.journal.passes.recordStop().catch((err: unknown) => this.logger.error({ err: errInfo(err) }, 'could not record the clean stop in the pass history'))
    await this.monitor.stop() // the alerter too: pending deliveries stay in its log for the next start
    this.structures.close()
    await this.structures.settled()
    await this.watcher.close().catch(() => {})
    await this.log.close().catch(() => {})
    await this.journal.close().catch(() => {})
    this.chain.client.close()
    this.reader.close()
    this.anchors.close()
    await this.dataDir.close()
    await this.chain.embedded?.stop()
  }
}
