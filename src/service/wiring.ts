/** How the service's parts are wired at open: the watcher with its incident path, and the sealer's dependencies. */
import type Corestore from 'corestore'
import type { AlertSink, RetryPolicy } from '../alerts'
import type { Registry } from 'prom-client'
import type { Config } from '../config'
import { HeadWatcher } from '../heads'
import type { Journal, ReceiptsLog } from '../ledger'
import { recordIncident, type FaultPoint, type SealerDeps, type SealerMetrics, type SealerTiming } from '../sealer'
import { errInfo, type Logger } from '../util'
import type { TimestampPort } from './anchors'
import type { ChainConnection } from './chain-connect'

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
  /** RFC 3161 requests and token checks, for the config's TSA anchors (src/timestamp). */
  timestamps?: TimestampPort
  /** The watcher's session bound and idle time (src/heads/session-pool.ts; defaults 256 and 10 s). */
  sessions?: { max?: number, idleMs?: number }
  /** Webhook retry timing (tests shorten it; src/alerts DEFAULT_RETRY). */
  alertRetry?: Partial<RetryPolicy>
  /** Leaf JSON one batch takes (src/sealer batch-cap.ts; tests lower it to see passes share out many changes). */
  batchLeafBytes?: number
}

export function createWatcher (store: Corestore, config: Config, opts: ServiceOptions, deps: { logger: Logger, log: ReceiptsLog, metrics: SealerMetrics, alerts: AlertSink }): HeadWatcher {
  const { logger, log, metrics, alerts } = deps
  return new HeadWatcher(store, {
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
      await recordIncident({ log, logger, metrics, alerts }, incident)
        .catch((err: unknown) => logger.error({ err: errInfo(err) }, 'could not record an incident'))
    }
  })
}

export function sealerDeps (config: Config, chain: ChainConnection, parts: { watcher: HeadWatcher, log: ReceiptsLog, journal: Journal, logger: Logger, metrics: SealerMetrics, alerts: AlertSink }, opts: ServiceOptions, updateTimeoutMs: number): SealerDeps {
  return {
    ...parts,
    chain: chain.client,
    chainId: chain.chainId,
    contract: chain.contract,
    confirmations: config.confirmations,
    passBudgetMs: config.passBudgetSeconds * 1000,
    coreBudgetMs: updateTimeoutMs,
    ...(chain.embedded !== null ? { persistChain: chain.embedded.persistState } : {}),
    ...(opts.timing ? { timing: opts.timing } : {}),
    ...(opts.fault ? { fault: opts.fault } : {}),
    ...(opts.onPhase ? { onPhase: opts.onPhase } : {}),
    ...(opts.batchLeafBytes !== undefined ? { batchLeafBytes: opts.batchLeafBytes } : {})
  }
}
