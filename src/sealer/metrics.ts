import { Counter, Gauge, type Registry } from 'prom-client'

/** The seal pass's Prometheus metrics, registered on the service's registry. */
export interface SealerMetrics {
  passes: Counter<'result'>
  headsSealed: Counter
  incidents: Counter<'kind'>
  gasUsed: Counter
  lastSealTime: Gauge
  staleCores: Gauge
  lastPassTime: Gauge
  passesFailedInARow: Gauge
}

export function createSealerMetrics (registry: Registry): SealerMetrics {
  const registers = [registry]
  return {
    passes: new Counter({ name: 'hyperseal_seal_passes_total', help: 'Seal passes by result (sealed, unchanged, failed).', labelNames: ['result'], registers }),
    headsSealed: new Counter({ name: 'hyperseal_heads_sealed_total', help: 'Heads written with a final receipt (the receipts log head included).', registers }),
    incidents: new Counter({ name: 'hyperseal_incidents_total', help: 'Rewinds and forks recorded in the receipts log, each once (whichever path detected it, across restarts).', labelNames: ['kind'], registers }),
    gasUsed: new Counter({ name: 'hyperseal_gas_used_total', help: 'Gas used by seal transactions that sealed a batch.', registers }),
    lastSealTime: new Gauge({ name: 'hyperseal_last_seal_timestamp_seconds', help: 'Block time of the latest final seal.', registers }),
    staleCores: new Gauge({ name: 'hyperseal_stale_cores', help: 'Watched cores whose peers did not deliver what the last pass needed in time (skipped, not sealed).', registers }),
    lastPassTime: new Gauge({ name: 'hyperseal_last_pass_timestamp_seconds', help: 'Start time of the latest seal pass, whatever its outcome.', registers }),
    passesFailedInARow: new Gauge({ name: 'hyperseal_passes_failed_in_a_row', help: 'Seal passes failed since the last one that did not (0: the last pass succeeded).', registers })
  }
}
