import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import type { AuditQuery, CoreView, PassResult, ReplicaProofs, SealerAccount, ServiceInfo, ServicePort, TimeRange } from '../api'
import type { Config } from '../config'
import { HeadsError, HeadWatcher, keyHex, parseKey, parsePeer } from '../heads'
import { Journal, openDataDir, ReceiptsLog, type BatchRecord, type DataDir, type ReceiptEntry } from '../ledger'
import type { Incident } from '../seal'
import {
  createSealerMetrics, resolveUnfinished, runSealPass, scheduleSealPasses, SealerError, SingleFlight,
  type FaultPoint, type SealerDeps, type SealerTiming
} from '../sealer'
import { createChainReader, type ChainReader } from '../chain'
import { EvidenceCache, type PinnedTrust } from '../evidence'
import type { TrustRoot } from '../trust'
import { errInfo, SILENT_LOGGER, type Logger } from '../util'
import { resolveAdminToken, resolveAuditorToken } from './admin-token'
import { connectChain, type ChainConnection } from './chain-connect'
import { coreView, passResult } from './views'
import { verifyCore } from './verify-core'
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
  /** Bound on waiting for a peer's newer head during a pass (default 10 s). */
  updateTimeoutMs?: number
  /** Bound on each chain JSON-RPC request (default 10 s). */
  rpcTimeoutMs?: number
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
  private readonly updateTimeoutMs: number
  private closed = false
  private readonly pinned: PinnedTrust
  /** Chain answers about final seals: they cannot change, so verifying them again needs no RPC call. */
  private readonly evidence = new EvidenceCache()
  private readonly account: SealerAccountReader

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
    opts: ServiceOptions
  ) {
    this.registry = opts.registry ?? new Registry()
    this.updateTimeoutMs = opts.updateTimeoutMs ?? 10_000
    this.adminToken = resolveAdminToken(dataDir.dir, config.adminToken).token
    this.auditorToken = resolveAuditorToken(dataDir.dir, config.auditorToken, this.adminToken).token
    this.reportKey = loadReportKey(dataDir.dir)
    this.deps = {
      watcher, log, journal,
      chain: chain.client,
      chainId: chain.chainId,
      contract: chain.contract,
      confirmations: config.confirmations,
      logger,
      metrics: createSealerMetrics(this.registry),
      ...(opts.timing ? { timing: opts.timing } : {}),
      ...(opts.fault ? { fault: opts.fault } : {})
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
      const journal = await Journal.open(dataDir.store)
      undo.push(() => journal.close())
      const watcher = new HeadWatcher(dataDir.store, {
        replicationPort: config.replicationPort,
        host: config.host,
        bootstrap: config.bootstrap,
        logger,
        updateTimeoutMs: opts.updateTimeoutMs ?? 10_000,
        // Hypercore's conflict proofs are kept at once: Hypercore forgets them on restart. A
        // truncate is only a hint; the seal pass's prefix check records the rewind with both
        // signed heads, so recording the hint too would count one rewind twice.
        onIncident: async (incident) => {
          if (incident.kind !== 'fork') {
            logger.warn({ key: incident.key, evidence: incident.evidence }, 'core truncated below a head it held; the next seal pass checks it against its seal')
            return
          }
          await log.appendIncident(incident).catch((err: unknown) => logger.error({ err: errInfo(err) }, 'could not record an incident'))
        }
      })
      undo.push(() => watcher.close())
      for (const entry of await journal.listWatched()) await watcher.watch(entry.key, entry.peers)
      const replication = await watcher.listen()
      // Verification reads the chain through its own read-only reader: the trust root, not the
      // sealer's client, says which contract counts.
      const reader = await createChainReader({ rpcUrl: chain.embedded?.rpcUrl ?? config.rpc!, expectedChainId: chain.chainId, ...(opts.rpcTimeoutMs !== undefined ? { timeoutMs: opts.rpcTimeoutMs } : {}) })
      undo.push(async () => { reader.close() })
      const service = new HypersealService(config, dataDir, chain, watcher, log, journal, logger, reader, replication, opts)
      await service.recover()
      return service
    } catch (err) {
      for (const step of undo.reverse()) await step().catch(() => {})
      throw err
    }
  }

  private async recover (): Promise<void> {
    try {
      await this.flight.run(() => resolveUnfinished(this.deps))
      this.recovered = true
    } catch (err) {
      this.logger.error({ err: errInfo(err) }, 'unfinished batches could not be settled at start; the next pass retries')
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
    const replicas = new Map(this.watcher.watched().map((w) => [w.key, w]))
    const out: CoreView[] = []
    for (const entry of await this.journal.listWatched()) {
      out.push(coreView(entry, replicas.get(entry.key), await this.log.latestReceipt(entry.key)))
    }
    return out
  }

  async watchCore (key: string, peers: string[]): Promise<{ created: boolean, core: CoreView }> {
    const hex = keyHex(parseKey(key))
    if (!Array.isArray(peers)) throw new HeadsError('BAD_PEER', 'Peers must be a list of host:port strings.')
    const parsed = peers.map((p) => parsePeer(p))
    // The journal first: once we answer, the watch survives a restart.
    const { added, entry } = await this.journal.addWatch(hex, parsed.map((p) => `${p.host}:${p.port}`))
    await this.watcher.watch(hex, entry.peers)
    const replica = this.watcher.watched().find((w) => w.key === hex)
    return { created: added, core: coreView(entry, replica, await this.log.latestReceipt(hex)) }
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
        const outcome = await runSealPass(this.deps)
        this.recovered = true
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

  async receiptAt (key: string, length: number): Promise<ReceiptEntry | null> {
    const entries = await this.log.receiptsAt(keyHex(parseKey(key)), length)
    return entries.reduce<ReceiptEntry | null>((newest, e) => (newest === null || e.batch > newest.batch ? e : newest), null)
  }

  async verify (key: string, version: number): Promise<Verdict> {
    return await verifyCore({ watcher: this.watcher, log: this.log, journal: this.journal, reader: this.reader, trust: this.pinned, cache: this.evidence, updateTimeoutMs: this.updateTimeoutMs }, key, version)
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
