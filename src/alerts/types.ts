/**
 * What the service tells the alerter (an observation, one call site per event), and what a
 * receiver gets (an alert body, docs/alerts.md). The alerter, not the call site, decides
 * whether an observation is a transition worth an alert: a core stale on ten passes in a row
 * is one `core_stale`, a failing pass is news only at the N-th failure in a row.
 */
import type { Incident } from '../seal'

export const ALERT_KINDS = ['incident', 'core_stale', 'core_back', 'pass_failed', 'anchor_behind', 'balance_low', 'test'] as const
export type AlertKind = typeof ALERT_KINDS[number]

export interface StaleCore { key: string, since: string, reason: string, lastHead: { length: number, fork: number } | null }

/** Something the service saw. */
export type Observation =
  /**
   * An incident as the receipts log stored it, with the log's identity of it (kind and the pair
   * of heads): told once per identity, also when the service meets it again after a crash.
   */
  | { kind: 'incident', incident: Incident, identity: string }
  /**
   * Cores a pass marked stale (they were not before), all of one pass in one observation: a
   * peer serving many cores going down is one alert, not one per core.
   */
  | { kind: 'core_stale', cores: StaleCore[] }
  /** Stale cores that a pass could reach again. */
  | { kind: 'core_back', keys: string[] }
  /** A seal pass ended: `error` set when it failed. */
  | { kind: 'pass', error: { code?: string, message: string } | null }
  /** An anchor's freshness: when it was last caught up (ms, null: never since start) and its schedule; `primary`: the chain every batch is sealed on. */
  | { kind: 'anchor', anchor: string, primary: boolean, caughtUpAt: number, intervalSeconds: number }
  /** The sealer account: null days when nothing was spent lately (or no sealer key). */
  | { kind: 'balance', address: string | null, balanceWei: string | null, spendPerDayWei: string | null, daysLeft: number | null }

/** Where the service reports observations (the service passes it to the sealer and the watcher). */
export interface AlertSink {
  /**
   * Never throws, never waits on a receiver: an accepted alert is on disk when it resolves.
   * `now` (ms) is when the observation is judged; default the clock.
   */
  observe (observation: Observation, now?: number): Promise<void>
}

/** A sink that drops everything (tests of other parts, tools). */
export const NO_ALERTS: AlertSink = { observe: async () => {} }

/** The JSON a receiver gets (version 1): `summary` is one plain sentence, `details` the evidence. */
export interface AlertBody {
  v: 1
  id: string
  kind: AlertKind
  /** When the condition was seen (ISO 8601); each delivery attempt carries its own timestamp header. */
  createdAt: string
  summary: string
  /** The core the alert is about, when there is one. */
  key?: string
  details: Record<string, unknown>
  /** Which service sent it: its receipts log key and chain (so one receiver can serve several). */
  service: { receiptsLog: string, chainId: number, contract: string }
}

/** One delivery (an alert to one receiver) as `GET /v1/alerts` shows it. */
export interface DeliveryView {
  id: string
  kind: AlertKind
  createdAt: string
  summary: string
  /** The receiver's origin (scheme, host, port): paths and queries may hold tokens, so never shown. */
  receiver: string
  state: 'pending' | 'delivered' | 'expired' | 'dropped'
  attempts: number
  /** The latest attempt's HTTP status, or null (none yet, or the receiver did not answer). */
  lastStatus: number | null
  lastError: string | null
  /** Pending: when the next attempt is due; otherwise when the delivery ended. */
  at: string
}
