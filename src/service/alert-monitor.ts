/**
 * What the service tells the alerter beyond what the sealer and the watcher tell it: how each
 * pass ended, and, on a timer, whether an anchor is behind its schedule and how long the
 * sealer's funds last. The same figures go to /metrics for the Prometheus rules
 * (docs/prometheus-alerts.yml), so a webhook and a rule judge the same numbers.
 */
import type { Registry } from 'prom-client'
import { Alerter, type Observation, type RetryPolicy } from '../alerts'
import type { Config } from '../config'
import { incidentIdentity, type ReceiptsLog } from '../ledger'
import { nominalIntervalSeconds } from '../report'
import type { SealerMetrics } from '../sealer'
import { errInfo, type Logger } from '../util'
import type { ChainConnection } from './chain-connect'
import type { SealerAccountReader } from './sealer-account'

/** How often anchors and funds are checked while the schedule runs. */
export const CHECK_INTERVAL_MS = 30_000

/** One anchor's freshness: when it was last caught up, and how often it is meant to seal. */
export interface AnchorState { anchor: string, primary: boolean, caughtUpAt: number, intervalSeconds: number }

/** The alerter of the service (the delivery log in its data directory), caught up on incidents. */
export async function openAlerts (o: { dir: string, config: Config, log: ReceiptsLog, chain: ChainConnection, logger: Logger, registry: Registry, retry: Partial<RetryPolicy> | undefined }): Promise<Alerter> {
  const alerter = await Alerter.open({
    dir: o.dir,
    settings: o.config.alerts,
    service: { receiptsLog: o.log.key.toString('hex'), chainId: o.chain.chainId, contract: o.chain.contract },
    logger: o.logger,
    registry: o.registry,
    ...(o.retry !== undefined ? { retry: o.retry } : {})
  })
  try {
    await catchUpIncidents(alerter, o.log)
  } catch (err) {
    await alerter.close()
    throw err
  }
  return alerter
}

/**
 * At start, every incident of the receipts log that was never told: one recorded just before a
 * crash cut off its alert. A delivery log new to an older data directory takes the incidents it
 * finds as told (they were found before alerts existed; telling them all now would be noise).
 */
export async function catchUpIncidents (alerts: Alerter, log: ReceiptsLog): Promise<void> {
  for (const incident of await log.listIncidents()) {
    const o: Observation = { kind: 'incident', incident, identity: incidentIdentity(incident) }
    await (alerts.fresh ? alerts.acknowledge(o) : alerts.observe(o))
  }
}

export class AlertMonitor {
  /** The primary anchor is caught up when a pass ends without error; the start counts as one. */
  private lastGoodPass: number
  private failures = 0
  private timer: NodeJS.Timeout | null = null
  private checking: Promise<void> | null = null

  /** Each later anchor: when a run of it last ended caught up (the start counts as one). */
  private readonly anchorsCaughtUp = new Map<string, number>()

  constructor (private readonly deps: { alerts: Alerter, metrics: SealerMetrics, account: SealerAccountReader, schedule: string, logger: Logger, startedAt: number, anchors?: ReadonlyArray<{ name: string, schedule: string }> }) {
    this.lastGoodPass = deps.startedAt
    for (const a of deps.anchors ?? []) {
      this.anchorsCaughtUp.set(a.name, deps.startedAt)
      deps.metrics.anchorLastSuccess.set({ anchor: a.name }, deps.startedAt / 1000)
      deps.metrics.anchorInterval.set({ anchor: a.name }, nominalIntervalSeconds(a.schedule))
    }
    deps.metrics.lastGoodPass.set(deps.startedAt / 1000)
    deps.metrics.scheduleInterval.set(nominalIntervalSeconds(deps.schedule))
    deps.metrics.daysOfFunds.set(Infinity)
  }

  /** A pass ended (`err` null: it succeeded). Never throws. */
  async passEnded (err: unknown): Promise<void> {
    if (err === null) {
      this.lastGoodPass = Date.now()
      this.failures = 0
      this.deps.metrics.lastGoodPass.set(this.lastGoodPass / 1000)
    } else {
      this.failures++
    }
    // The gauge of failures in a row is the pass history's (it survives a restart).
    await this.deps.alerts.observe({ kind: 'pass', error: err === null ? null : errInfo(err) })
  }

  /** A later anchor's run ended with everything since its mark covered and recorded. */
  anchorCaughtUp (name: string, at = Date.now()): void {
    if (!this.anchorsCaughtUp.has(name)) return
    this.anchorsCaughtUp.set(name, at)
    this.deps.metrics.anchorLastSuccess.set({ anchor: name }, at / 1000)
  }

  /**
   * Every anchor with its freshness: the primary on the service's schedule, each later anchor on
   * its own (decide.ts judges each against its own interval).
   */
  anchors (): AnchorState[] {
    return [
      { anchor: 'primary', primary: true, caughtUpAt: this.lastGoodPass, intervalSeconds: nominalIntervalSeconds(this.deps.schedule) },
      ...(this.deps.anchors ?? []).map((a) => ({ anchor: a.name, primary: false, caughtUpAt: this.anchorsCaughtUp.get(a.name)!, intervalSeconds: nominalIntervalSeconds(a.schedule) }))
    ]
  }

  /** Checks anchors and funds now (`now` in ms: tests judge a later moment). Never throws. */
  async check (now = Date.now()): Promise<void> {
    const observations: Observation[] = this.anchors().map((a) => ({ kind: 'anchor', ...a }))
    try {
      const account = await this.deps.account.read(now)
      if (account.balanceWei !== null) this.deps.metrics.balance.set(Number(account.balanceWei))
      this.deps.metrics.daysOfFunds.set(account.daysLeft ?? Infinity)
      observations.push({ kind: 'balance', address: account.address, balanceWei: account.balanceWei, spendPerDayWei: account.spendPerDayWei, daysLeft: account.daysLeft })
    } catch (err) {
      // The chain is down: funds are judged on the next check; the anchor check below still runs.
      this.deps.logger.debug({ err: errInfo(err) }, 'could not read the sealer account for the funds check')
    }
    for (const o of observations) await this.deps.alerts.observe(o, now)
  }

  start (): void {
    if (this.timer !== null) return
    this.timer = setInterval(() => {
      if (this.checking !== null) return
      this.checking = this.check().finally(() => { this.checking = null })
    }, CHECK_INTERVAL_MS)
    this.timer.unref()
  }

  /** Stops the checks and closes the alerter (what waits stays in its log for the next start). */
  async stop (): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.checking
    await this.deps.alerts.close().catch(() => {})
  }

  get alerts (): Alerter {
    return this.deps.alerts
  }
}
