import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import type { AuditQuery, CoreView, PassResult, RecordQuestion, ReplicaProofs, SealerAccount, ServiceInfo, ServicePort, TimeRange, WatchItem } from '../api'
import type { Config } from '../config'
import { HeadsError, HeadWatcher, keyHex, parseKey } from '../heads'
import { Journal, openDataDir, ReceiptsLog, type BatchRecord, type BatchSummary, type DataDir, type Page, type PageQuery, type ReceiptEntry } from '../ledger'
import type { HeadJson, Incident } from '../seal'
import {
  checkRecentSeals, recordIncident, resolveUnfinished, runSealPass, scheduleSealPasses, SealerError, SingleFlight,
  type FaultPoint, type SealerDeps, type SealerMetrics, type SealerTiming
} from '../sealer'
import { createChainReader, type ChainReader } from '../chain'
import { EvidenceCache, type PinnedTrust } from '../evidence'
import type { TrustRoot } from '../trust'
import { errInfo, SILENT_LOGGER, type Logger } from '../util'
import { resolveAdminToken, resolveAuditorToken } from './admin-token'
import { connectChain, type ChainConnection } from './chain-connect'
import { coreView, passResult } from './views'
import { openMetrics } from './sealer-metrics'
import { pageCores, watchCores } from './watch-list'
import { StructureRegistry } from './structures'
import { verifyWatched } from './verify-structure'
import { proveRecord } from './prove-record'
import { VerdictCache } from './verdict-cache'
import type { Verdict } from '../verify'
import type { SignedReport } from '../report'
import { auditReport } from './report-audit'
import { loadReportKey } from './report-key'
import { serviceTrustRoot } from './trust-root'
import { replicaProofs } from './replica-proofs'
import { SealerAccountReader } from './sealer-account'
import { readiness, type Readiness } from './readiness'

export interface ServiceOptions {
  logger?: Logger
  /** Where the sealer's metrics go; a new registry by default (see `metrics`). */
  registry?: Registry
  timing?: Partial<SealerTiming>
  fault?: (point: FaultPoint) => void
  /** Told how long each step of a pass took (bench/scale.ts). */
  onPhase?: SealerDeps['onPhase']
  /** Bound on waiting for a peer's newer head during a pass (default 10 s). */
  updateTimeoutMs?: number
  /** Bound on each chain JSON-RPC request (default 10 s). */
  rpcTimeoutMs?: number
  /** The watcher's session bound and idle time (src/heads/session-pool.ts; defaults 256 and 10 s). */
  sessions?: { max?: number, idleMs?: number }
}

const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version

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
  private schedule: { stop: () => Promise<void> } | null = null
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
  /** Lasting verdicts by their inputs: a warm verify answers without reading the replica, ledger or chain. */
  private readonly verdicts = new VerdictCache()

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
    metrics: { registry: Registry, sealer: SealerMetrics }
  ) {
    this.registry = metrics.registry
    this.updateTimeoutMs = opts.updateTimeoutMs ?? 10_000
    this.adminToken = resolveAdminToken(dataDir.dir, config.adminToken).token
    this.auditorToken = resolveAuditorToken(dataDir.dir, config.auditorToken, this.adminToken).token
    this.reportKey = loadReportKey(dataDir.dir)
    this.structures = new StructureRegistry(dataDir.store, { journal, watcher, logger })
    this.deps = {
      watcher, log, journal,
      chain: chain.client,
      chainId: chain.chainId,
      contract: chain.contract,
      confirmations: config.confirmations,
      logger,
      metrics: metrics.sealer,
      passBudgetMs: config.passBudgetSeconds * 1000,
      coreBudgetMs: this.updateTimeoutMs,
      ...(chain.embedded !== null ? { persistChain: chain.embedded.persistState } : {}),
      ...(opts.timing ? { timing: opts.timing } : {}),
      ...(opts.fault ? { fault: opts.fault } : {}),
      ...(opts.onPhase ? { onPhase: opts.onPhase } : {})
    }
    this.account = new SealerAccountReader({ chain: chain.client, log })
    this.pinned = serviceTrustRoot({
      info: this.info(),
      deployBlock: chain.embedded?.deployBlock ?? 0,
      replication: `${replication.host}:${replication.port}`,
      ...(chain.embedded !== null ? { embeddedRpc: chain.embedded.rpcUrl } : {})
    })
  }

  /**
   * Opens everything in order (data directory, chain, ledger, watcher), re-watches the journal's
   * cores, listens for writers, then settles batches a crash left unfinished. A chain that is
   * down at that moment does not stop the start: the first pass settles them instead.
   */
  static async open (config: Config, opts: ServiceOptions = {}): Promise<HypersealService> {
    const logger = opts.logger ?? SILENT_LOGGER
    const undo: Array<() => Promise<unknown>> = []
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
      const watcher = new HeadWatcher(dataDir.store, {
        replicationPort: config.replicationPort,
        host: config.host,
        bootstrap: config.bootstrap,
        logger,
        updateTimeoutMs: opts.updateTimeoutMs ?? 10_000,
        maxSessions: opts.sessions?.max,
        sessionIdleMs: opts.sessions?.idleMs,
        // Hypercore's conflict proofs are kept at once (Hypercore forgets them on restart),
        // through the one recording path: the same fork met again after a restart is not a new
        // incident. A truncate is only a hint; the seal pass's prefix check records the rewind
        // with both signed heads, so recording the hint too would count one rewind twice.
        onIncident: async (incident) => {
          if (incident.kind !== 'fork') {
            logger.warn({ key: incident.key, evidence: incident.evidence }, 'core truncated below a head it held; the next seal pass checks it against its seal')
            return
          }
          await recordIncident({ log, logger, metrics: metrics.sealer }, incident)
            .catch((err: unknown) => logger.error({ err: errInfo(err) }, 'could not record an incident'))
        }
      })
      undo.push(() => watcher.close())
      for (const entry of await journal.listWatched()) await watcher.watch(entry.key, entry.peers, { restored: true })
      const replication = await watcher.listen()
      // Verification reads the chain through its own read-only reader: the trust root, not the
      // sealer's client, says which contract counts.
      const reader = await createChainReader({ rpcUrl: chain.embedded?.rpcUrl ?? config.rpc!, expectedChainId: chain.chainId, ...(opts.rpcTimeoutMs !== undefined ? { timeoutMs: opts.rpcTimeoutMs } : {}) })
      undo.push(async () => { reader.close() })
      const service = new HypersealService(config, dataDir, chain, watcher, log, journal, logger, reader, replication, opts, metrics)
      await service.recover()
      // Stored block 0s tell the structures again at once; the rest are asked of peers by the next pass.
      await service.structures.follow(await journal.listWatched(), 0)
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
  }

  info (): ServiceInfo {
    return {
      version: VERSION,
      chainId: this.chain.chainId,
      contract: this.chain.contract,
      sealer: this.chain.client.signerAddress,
      receiptsLog: this.log.key.toString('hex'),
      schedule: this.config.schedule,
      confirmations: this.config.confirmations,
      embeddedChain: this.chain.embedded !== null,
      reportKey: this.reportKey.publicKey.toString('hex')
    }
  }

  trust (): { root: TrustRoot, fingerprint: string } {
    return { root: this.pinned.root, fingerprint: this.pinned.fingerprint }
  }

  get rpcUrl (): string | undefined {
    return this.chain.embedded?.rpcUrl ?? this.config.rpc
  }

  async listCores (): Promise<CoreView[]> {
    const stale = await this.journal.staleMarks()
    const out: CoreView[] = []
    for (const entry of await this.journal.listWatched()) {
      out.push({ ...coreView(entry, this.watcher.watchedCore(entry.key) ?? undefined, await this.log.latestReceipt(entry.key), stale.get(entry.key) ?? null), ...this.structures.view(entry.key) })
    }
    return out
  }

  async pageCores (page: PageQuery): Promise<Page<CoreView>> {
    const found = await pageCores(this, page)
    return { ...found, items: found.items.map((c) => ({ ...c, ...this.structures.view(c.key) })) }
  }

  async watchCore (key: string, peers: string[], label?: string): Promise<{ created: boolean, core: CoreView }> {
    const { created, cores } = await this.watchCores([{ key, peers, ...(label === undefined ? {} : { label }) }])
    return { created: created === 1, core: cores[0] }
  }

  /** Watches the cores, then tells what each is (bounded): a Hyperdrive's blobs core is watched with it. */
  async watchCores (items: WatchItem[]): Promise<{ created: number, merged: number, cores: CoreView[] }> {
    const done = await watchCores(this, items)
    const entries = (await Promise.all(done.cores.map((c) => this.journal.getWatch(c.key)))).filter((e) => e !== null)
    await this.structures.follow(entries, this.updateTimeoutMs)
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
        // A drive recognised now has its blobs core watched before the pass: both seal together.
        await this.structures.follow(await this.journal.listWatched(), Math.min(this.updateTimeoutMs, 2000))
        const outcome = await runSealPass(this.deps, { checkSeals: !this.sealsChecked })
        this.recovered = true
        this.sealsChecked = true
        passes.inc({ result: outcome.batch === null ? 'unchanged' : 'sealed' })
        return passResult(outcome)
      } catch (err) {
        passes.inc({ result: 'failed' })
        throw err
      }
    })
  }

  async listBatches (range: TimeRange): Promise<BatchRecord[]> {
    return await this.log.listBatches(range)
  }

  async listIncidents (range: TimeRange & { key?: string }): Promise<Incident[]> {
    const key = range.key === undefined ? undefined : keyHex(parseKey(range.key))
    return await this.log.listIncidents({ ...range, ...(key ? { key } : {}) })
  }

  async coreReceipts (key: string): Promise<ReceiptEntry[]> {
    const hex = keyHex(parseKey(key))
    const receipts = await this.log.receipts(hex)
    if (receipts.length === 0 && await this.journal.getWatch(hex) === null) {
      throw new HeadsError('NOT_WATCHED', `Core ${hex} was never watched by this service.`)
    }
    return receipts
  }

  async pageBatches (range: TimeRange, page: PageQuery): Promise<Page<BatchSummary>> {
    return await this.log.pageBatches(range, page)
  }

  async pageBatchLeaves (seq: number, page: PageQuery): Promise<Page<HeadJson>> {
    return await this.log.pageBatchLeaves(seq, page)
  }

  async pageIncidents (range: TimeRange & { key?: string }, page: PageQuery): Promise<Page<Incident>> {
    const key = range.key === undefined ? undefined : keyHex(parseKey(range.key))
    return await this.log.pageIncidents({ ...range, ...(key ? { key } : {}) }, page)
  }

  async pageReceipts (key: string, page: PageQuery): Promise<Page<ReceiptEntry>> {
    const hex = keyHex(parseKey(key))
    const found = await this.log.pageReceipts(hex, page)
    if (page.cursor === undefined && found.items.length === 0 && await this.journal.getWatch(hex) === null) {
      throw new HeadsError('NOT_WATCHED', `Core ${hex} was never watched by this service.`)
    }
    return found
  }

  async receiptAt (key: string, length: number): Promise<ReceiptEntry | null> {
    const entries = await this.log.receiptsAt(keyHex(parseKey(key)), length)
    return entries.reduce<ReceiptEntry | null>((newest, e) => (newest === null || e.batch > newest.batch ? e : newest), null)
  }

  cachedVerify (key: string, version: number): Verdict | null {
    const hex = keyHex(parseKey(key))
    const stamp = this.verifyStamp(hex)
    return stamp === null ? null : this.verdicts.get(hex, version, stamp)
  }

  async verify (key: string, version: number): Promise<Verdict> {
    const hex = keyHex(parseKey(key))
    const before = this.verifyStamp(hex)
    const verdict = await verifyWatched({ watcher: this.watcher, log: this.log, journal: this.journal, reader: this.reader, trust: this.pinned, cache: this.evidence, updateTimeoutMs: this.updateTimeoutMs, structures: this.structures }, hex, version)
    // Kept only when nothing it rests on moved while it was computed: then the stamp names its inputs.
    if (before !== null && before === this.verifyStamp(hex)) this.verdicts.set(hex, version, before, verdict)
    return verdict
  }

  async proveRecord (key: string, question: RecordQuestion): Promise<Record<string, unknown>> {
    return await proveRecord({ log: this.log, journal: this.journal, structures: this.structures, updateTimeoutMs: this.updateTimeoutMs }, key, question)
  }

  /**
   * The inputs of a verify of `hex` as one string, or null when they cannot be named: what the
   * core is (a structure is known once its block 0 was read; until then a verify may still find
   * out, so nothing is kept), its replica's state, a drive's blobs replica's state (the blobs
   * length a version references is read from the db, whose state is in the stamp) and the
   * ledger's length (new receipts and incidents land there).
   */
  private verifyStamp (hex: string): string | null {
    const structure = this.structures.peek(hex)
    const replica = this.watcher.replicaStamp(hex)
    if (structure === undefined || replica === null) return null
    if (structure.kind !== 'hyperdrive') return `${structure.kind}:${replica}:${this.log.core.length}`
    const blobs = this.watcher.replicaStamp(structure.blobs)
    return blobs === null ? null : `${structure.kind}:${replica}:${blobs}:${this.log.core.length}`
  }

  async auditReport (query: AuditQuery): Promise<SignedReport> {
    const info = this.info()
    return await auditReport({
      log: this.log,
      journal: this.journal,
      chain: this.chain.client,
      reader: this.reader,
      trust: this.pinned,
      cache: this.evidence,
      identity: { reportKey: info.reportKey, chainId: info.chainId, contract: info.contract, sealers: info.sealer === null ? [] : [info.sealer], version: info.version, receiptsLog: info.receiptsLog },
      policy: { schedule: info.schedule, confirmations: info.confirmations },
      secretKey: this.reportKey.secretKey
    }, query)
  }

  async replicaProofs (key: string, lengths: number[]): Promise<ReplicaProofs> { return await replicaProofs(this, key, lengths) }
  async sealerAccount (): Promise<SealerAccount> { return await this.account.read() }

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
    await this.flight.idle()
    await this.watcher.close().catch(() => {})
    await this.log.close().catch(() => {})
    await this.journal.close().catch(() => {})
    this.chain.client.close()
    this.reader.close()
    await this.dataDir.close()
    await this.chain.embedded?.stop()
  }
}
