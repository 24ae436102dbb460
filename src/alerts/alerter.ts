/**
 * The alerter: the service's AlertSink. An observation becomes (decide.ts) at most one alert,
 * which is written to the delivery log (outbox.ts) before anything is sent, then POSTed to every
 * configured webhook, signed (sign.ts), retried with exponential backoff (jittered within the upper half, capped)
 * until the receiver answers 2xx or the alert is older than `maxAgeMs` (then `expired`, counted).
 * At most `maxPending` deliveries wait at once: past that, a new alert is `dropped` (counted and
 * logged), so a dead receiver bounds memory and disk instead of growing them.
 */
import { createHash, randomUUID } from 'node:crypto'
import { Counter, Gauge, type Registry } from 'prom-client'
import { errInfo, type Logger } from '../util'
import { decide, type Draft, type Thresholds } from './decide'
import { postAlert, type AttemptResult } from './deliver'
import { AlertsError } from './errors'
import { Outbox, type Receiver, type StoredAlert } from './outbox'
import { createSigner, type Signer, type SigningSecret } from './sign'
import type { AlertBody, AlertSink, DeliveryView, Observation } from './types'

export interface AlertsSettings {
  /** Webhook URLs (secret: a path or query may hold a token; only origins are logged or shown). */
  urls: string[]
  /** Null only when there is no URL: an alert is never sent unsigned. */
  signing: SigningSecret | null
  thresholds: Thresholds
  /** Deliveries waiting at most (alerts × receivers); more are dropped and counted. */
  maxPending: number
}

export interface RetryPolicy {
  /** First retry after about this long; doubled per attempt up to `maxMs`. */
  baseMs: number
  maxMs: number
  /** A delivery still failing after this long is given up (`expired`). */
  maxAgeMs: number
  /** One attempt's bound. */
  timeoutMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1000, maxMs: 10 * 60_000, maxAgeMs: 24 * 3600_000, timeoutMs: 10_000 }

/** Bodies above this carry a pointer to the evidence instead of the evidence. */
const BODY_MAX_BYTES = 64 * 1024
const CONCURRENCY = 4

export interface AlerterOptions {
  dir: string
  settings: AlertsSettings
  service: AlertBody['service']
  logger: Logger
  registry?: Registry
  retry?: Partial<RetryPolicy>
}

interface Target extends Receiver { url: string }

export interface AlertsOverview {
  receivers: string[]
  signing: 'hmac-sha256' | 'ed25519' | null
  /** The Ed25519 public key receivers pin (hex); null with HMAC. */
  publicKey: string | null
  pending: number
  maxPending: number
  /** Pending deliveries first (oldest first), then ended ones (newest first). */
  deliveries: DeliveryView[]
}

export interface TestAnswer { receiver: string, ok: boolean, status: number | null, answer: string, error: string | null }

export class Alerter implements AlertSink {
  private readonly targets: Target[]
  private readonly signer: Signer | null
  private readonly retry: RetryPolicy
  private readonly metrics: { alerts: Counter<'kind'>, deliveries: Counter<'result'>, pending: Gauge } | null
  private failures = 0
  private observing: Promise<unknown> = Promise.resolve()
  private draining: Promise<void> | null = null
  private again = false
  private timer: NodeJS.Timeout | null = null
  private readonly abort = new AbortController()
  private closed = false

  private constructor (private readonly box: Outbox, private readonly opts: AlerterOptions) {
    this.targets = opts.settings.urls.map((url) => ({ url, id: createHash('sha256').update(url).digest('hex').slice(0, 16), origin: new URL(url).origin }))
    this.signer = opts.settings.signing === null ? null : createSigner(opts.settings.signing)
    this.retry = { ...DEFAULT_RETRY, ...(opts.retry ?? {}) }
    const registers = opts.registry === undefined ? [] : [opts.registry]
    this.metrics = opts.registry === undefined
      ? null
      : {
          alerts: new Counter({ name: 'hyperseal_alerts_total', help: 'Alerts raised, by kind (each once per transition).', labelNames: ['kind'], registers }),
          deliveries: new Counter({ name: 'hyperseal_alert_deliveries_total', help: 'Webhook deliveries ended, by result (delivered, expired: given up after the retry window, dropped: the outbox was full or the receiver removed).', labelNames: ['result'], registers }),
          pending: new Gauge({ name: 'hyperseal_alert_deliveries_pending', help: 'Webhook deliveries written to the outbox and not yet delivered.', registers })
        }
  }

  static async open (opts: AlerterOptions): Promise<Alerter> {
    if (opts.settings.urls.length > 0 && opts.settings.signing === null) throw new AlertsError('NO_RECEIVERS', 'Webhooks need a signing secret.')
    const alerter = new Alerter(await Outbox.open(opts.dir), opts)
    // Deliveries to a receiver no longer configured cannot be sent: ended, counted, shown.
    for (const { alert, to } of [...alerter.box.todo()]) {
      if (!alerter.targets.some((t) => t.id === to.id)) await alerter.end(alert, to, 'dropped', null, 'the receiver is no longer configured')
    }
    alerter.metrics?.pending.set(alerter.box.pendingDeliveries)
    alerter.kick()
    return alerter
  }

  observe (o: Observation, now?: number): Promise<void> {
    const run = this.observing.then(() => this.take(o, now ?? Date.now())).catch((err: unknown) => {
      this.opts.logger.error({ err: errInfo(err), kind: o.kind }, 'could not record an alert')
    })
    this.observing = run
    return run
  }

  /**
   * Records what `o` would change without sending anything: the conditions an older data
   * directory already had when its delivery log is new (its incidents were found before alerts).
   */
  acknowledge (o: Observation): Promise<void> {
    const run = this.observing.then(async () => {
      if (this.closed) return
      await this.box.setFlags(decide(o, (f) => this.box.flag(f), this.failures, this.opts.settings.thresholds, Date.now()).flags)
    }).catch((err: unknown) => { this.opts.logger.error({ err: errInfo(err) }, 'could not record a condition') })
    this.observing = run
    return run
  }

  /** The delivery log was made by this open: nothing was ever told from this data directory. */
  get fresh (): boolean {
    return this.box.fresh
  }

  private async take (o: Observation, now: number): Promise<void> {
    if (this.closed) return
    if (o.kind === 'pass') this.failures = o.error === null ? 0 : this.failures + 1
    const { flags, alert } = decide(o, (f) => this.box.flag(f), this.failures, this.opts.settings.thresholds, now)
    if (alert === null) return await this.box.setFlags(flags)
    this.metrics?.alerts.inc({ kind: alert.kind })
    const stored = this.stored(alert)
    if (this.targets.length === 0) {
      this.opts.logger.info({ kind: alert.kind, summary: alert.summary }, 'alert raised; no webhook is configured')
      return await this.box.setFlags(flags)
    }
    if (this.box.pendingDeliveries + this.targets.length > this.opts.settings.maxPending) {
      // The flags still change: the same condition must not be retried on every pass.
      await this.box.setFlags(flags)
      for (const to of stored.to) await this.end(stored, to, 'dropped', null, `the outbox is full (${this.opts.settings.maxPending} deliveries waiting)`)
      this.opts.logger.error({ kind: alert.kind, pending: this.box.pendingDeliveries }, 'alert dropped: the outbox is full (are the webhook receivers down?)')
      return
    }
    await this.box.accept(stored, flags)
    this.metrics?.pending.set(this.box.pendingDeliveries)
    this.opts.logger.info({ id: stored.id, kind: alert.kind }, 'alert accepted')
    this.kick()
  }

  private stored (draft: Draft): StoredAlert {
    const id = randomUUID()
    const createdAt = new Date().toISOString()
    const make = (details: Record<string, unknown>): string =>
      JSON.stringify({ v: 1, id, kind: draft.kind, createdAt, summary: draft.summary, ...(draft.key !== undefined ? { key: draft.key } : {}), details, service: this.opts.service } satisfies AlertBody)
    let body = make(draft.details)
    if (Buffer.byteLength(body) > BODY_MAX_BYTES) body = make({ truncated: true, note: 'The evidence is too large for a webhook; read it with GET /v1/incidents.' })
    return { id, kind: draft.kind, createdAt, summary: draft.summary, body, to: this.targets.map(({ id, origin }) => ({ id, origin })) }
  }

  /** Starts a drain now, or after the running one. */
  private kick (): void {
    if (this.closed) return
    if (this.draining !== null) {
      this.again = true
      return
    }
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.draining = this.drain().catch((err: unknown) => {
      this.opts.logger.error({ err: errInfo(err) }, 'alert delivery failed; the outbox keeps the alerts')
    }).finally(() => {
      this.draining = null
      if (this.again) {
        this.again = false
        this.kick()
      } else {
        this.arm()
      }
    })
  }

  /** A timer for the earliest retry (unref: it never keeps the process alive). */
  private arm (): void {
    if (this.closed) return
    let next = Infinity
    for (const { attempt } of this.box.todo()) next = Math.min(next, attempt.next)
    if (next === Infinity) return
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - Date.now()))
    this.timer.unref()
  }

  private async drain (): Promise<void> {
    const now = Date.now()
    const due = [...this.box.todo()].filter((d) => d.attempt.next <= now)
    let i = 0
    const worker = async (): Promise<void> => {
      while (i < due.length && !this.closed) {
        const d = due[i++]
        await this.attempt(d.alert, d.to, d.attempt.n)
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  }

  private async attempt (alert: StoredAlert, to: Receiver, done: number): Promise<void> {
    const target = this.targets.find((t) => t.id === to.id)
    if (target === undefined || this.signer === null) return
    const result = await postAlert(target.url, alert.id, alert.body, this.signer, { timeoutMs: this.retry.timeoutMs, signal: this.abort.signal })
    if (this.closed) return // stopped mid-attempt: the delivery stays pending for the next start
    const n = done + 1
    if (result.ok) return await this.end(alert, to, 'delivered', result, null, n)
    const age = Date.now() - Date.parse(alert.createdAt)
    if (age > this.retry.maxAgeMs) return await this.end(alert, to, 'expired', result, `${result.error ?? 'failed'}; given up after ${n} attempts`, n)
    const delay = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** Math.min(n - 1, 30))
    // Jittered within the upper half of the delay: receivers coming back are not hit by every service at once.
    const next = Date.now() + delay / 2 + Math.random() * delay / 2
    this.opts.logger.warn({ id: alert.id, kind: alert.kind, receiver: to.origin, attempt: n, status: result.status, error: result.error }, 'alert delivery failed; retrying later')
    await this.box.failed(alert.id, to.id, { n, status: result.status, error: result.error, next })
  }

  private async end (alert: StoredAlert, to: Receiver, state: 'delivered' | 'expired' | 'dropped', result: AttemptResult | null, error: string | null, attempts = 0): Promise<void> {
    await this.box.ended(to.id, {
      id: alert.id,
      kind: alert.kind,
      createdAt: alert.createdAt,
      summary: alert.summary,
      receiver: to.origin,
      state,
      attempts,
      lastStatus: result?.status ?? null,
      lastError: error,
      at: new Date().toISOString()
    })
    this.metrics?.deliveries.inc({ result: state })
    this.metrics?.pending.set(this.box.pendingDeliveries)
    const log = { id: alert.id, kind: alert.kind, receiver: to.origin, attempts }
    if (state === 'delivered') this.opts.logger.info(log, 'alert delivered')
    else this.opts.logger.error({ ...log, error }, `alert ${state}`)
  }

  /** Sends a `test` alert to every receiver now (not through the outbox) and returns their answers. */
  async testAlerts (): Promise<TestAnswer[]> {
    if (this.closed) throw new AlertsError('CLOSED', 'The service is shutting down.')
    if (this.targets.length === 0 || this.signer === null) throw new AlertsError('NO_RECEIVERS', 'No webhook is configured: set HYPERSEAL_ALERT_URLS and HYPERSEAL_ALERT_SECRET (or HYPERSEAL_ALERT_ED25519_KEY).')
    const alert = this.stored({ kind: 'test', summary: 'A test alert from Hyperseal: this receiver is configured and its signature check can be tried.', details: {} })
    return await Promise.all(this.targets.map(async (t): Promise<TestAnswer> => {
      const r = await postAlert(t.url, alert.id, alert.body, this.signer!, { timeoutMs: this.retry.timeoutMs, signal: this.abort.signal })
      return { receiver: t.origin, ok: r.ok, status: r.status, answer: r.answer, error: r.error }
    }))
  }

  overview (): AlertsOverview {
    const now = Date.now()
    const pending: DeliveryView[] = [...this.box.todo()].map(({ alert, to, attempt }) => ({
      id: alert.id,
      kind: alert.kind,
      createdAt: alert.createdAt,
      summary: alert.summary,
      receiver: to.origin,
      state: 'pending',
      attempts: attempt.n,
      lastStatus: attempt.status,
      lastError: attempt.error,
      at: new Date(Math.max(now, attempt.next)).toISOString()
    }))
    const signing = this.opts.settings.signing
    return {
      receivers: this.targets.map((t) => t.origin),
      signing: signing === null ? null : 'hmac' in signing ? 'hmac-sha256' : 'ed25519',
      publicKey: this.signer?.publicKey ?? null,
      pending: this.box.pendingDeliveries,
      maxPending: this.opts.settings.maxPending,
      deliveries: [...pending, ...this.box.recentEnded().reverse()]
    }
  }

  /** Stops sending: attempts in flight are abandoned (their deliveries stay pending on disk). */
  async close (): Promise<void> {
    if (this.closed) return
    await this.observing
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.abort.abort()
    await this.draining
    await this.box.close()
  }
}
