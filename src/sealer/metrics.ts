import { Counter, Gauge, type Registry } from 'prom-client'

/** The seal pass's Prometheus metrics, registered on the service's registry. */
export interface SealerMetrics {
  passes: Counter<'result'>
  /** Later anchors' scheduled runs by anchor and result (ok, failed). */
  anchorRuns: Counter<'anchor' | 'result'>
  /** Each later anchor: when a run last ended caught up, and its schedule's interval (the rule `HypersealLaterAnchorBehind`). */
  anchorLastSuccess: Gauge<'anchor'>
  anchorInterval: Gauge<'anchor'>
  headsSealed: Counter
  incidents: Counter<'kind'>
  gasUsed: Counter
  lastSealTime: Gauge
  staleCores: Gauge
  lastPassTime: Gauge
  /** For the alerting rules (docs/prometheus-alerts.yml): the same conditions the webhooks watch. */
  lastGoodPass: Gauge
  /** From the pass history (src/ledger), so it survives a restart. */
  failedPassesInARow: Gauge
  scheduleInterval: Gauge
  balance: Gauge
  daysOfFunds: Gauge
}

export function createSealerMetrics (registry: Registry): SealerMetrics {
  const registers = [registry]
  return {
    passes: new Counter({ name: 'hyperseal_seal_passes_total', help: 'Seal passes by result (sealed, unchanged, failed).', labelNames: ['result'], registers }),
    anchorRuns: new Counter({ name: 'hyperseal_anchor_runs_total', help: 'Runs of the later anchors (secondary chains, TSAs) by anchor and result (ok, failed); a failed run is retried at its next tick.', labelNames: ['anchor', 'result'], registers }),
    anchorLastSuccess: new Gauge({ name: 'hyperseal_anchor_last_success_timestamp_seconds', help: 'When each later anchor last ended a run with every batch covered and recorded; the service start until one does.', labelNames: ['anchor'], registers }),
    anchorInterval: new Gauge({ name: 'hyperseal_anchor_schedule_interval_seconds', help: 'The nominal interval of each later anchor\'s own schedule (cron).', labelNames: ['anchor'], registers }),
    headsSealed: new Counter({ name: 'hyperseal_heads_sealed_total', help: 'Heads written with a final receipt (the receipts log head included).', registers }),
    incidents: new Counter({ name: 'hyperseal_incidents_total', help: 'Rewinds and forks recorded in the receipts log, each once (whichever path detected it, across restarts).', labelNames: ['kind'], registers }),
    gasUsed: new Counter({ name: 'hyperseal_gas_used_total', help: 'Gas used by seal transactions that sealed a batch.', registers }),
    lastSealTime: new Gauge({ name: 'hyperseal_last_seal_timestamp_seconds', help: 'Block time of the latest final seal.', registers }),
    staleCores: new Gauge({ name: 'hyperseal_stale_cores', help: 'Watched cores whose peers did not deliver what the last pass needed in time (skipped, not sealed).', registers }),
    lastPassTime: new Gauge({ name: 'hyperseal_last_pass_timestamp_seconds', help: 'Start time of the latest seal pass, whatever its outcome.', registers }),
    lastGoodPass: new Gauge({ name: 'hyperseal_last_successful_pass_timestamp_seconds', help: 'When the last seal pass ended without error (its batch final, or nothing to seal): the primary anchor was caught up then. The service start until a pass succeeds.', registers }),
    failedPassesInARow: new Gauge({ name: 'hyperseal_seal_passes_failed_in_a_row', help: 'Seal passes that failed since the last one that succeeded.', registers }),
    scheduleInterval: new Gauge({ name: 'hyperseal_schedule_interval_seconds', help: 'The nominal interval of the seal schedule (cron), for judging how far behind the anchor is.', registers }),
    balance: new Gauge({ name: 'hyperseal_sealer_balance_wei', help: 'The sealer account\'s balance in wei (a float: exact enough to alert on); 0 until first read.', registers }),
    // +Inf until a spend rate is known: nothing spent yet lasts forever, and a rule "below N days" must not fire.
    daysOfFunds: new Gauge({ name: 'hyperseal_sealer_funds_days', help: 'Days the sealer\'s balance lasts at the current spend rate (fees of recent seals per day); +Inf when nothing was spent lately.', registers })
  }
}
