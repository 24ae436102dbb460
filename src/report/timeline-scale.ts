/**
 * The timeline's scale, chosen from the period: the finest of minute, hour, day, week that
 * gives at most MAX_BINS bins (hours for a day, days for a month, weeks for a year), or whole
 * multiples of a unit when the next would leave fewer than MIN_BINS (2-minute cells for 100
 * minutes). Both renderings draw the same bins.
 */
import type { AuditReport } from './types'

export const MAX_BINS = 96
const MIN_BINS = 12
const UNITS: Array<{ unit: AuditReport['timeline']['unit'], seconds: number }> = [
  { unit: 'minute', seconds: 60 }, { unit: 'hour', seconds: 3600 }, { unit: 'day', seconds: 86_400 }, { unit: 'week', seconds: 604_800 }
]

export function timelineScale (fromMs: number, toMs: number): AuditReport['timeline'] {
  const span = Math.max(1, (toMs - fromMs) / 1000)
  for (let i = 0; i < UNITS.length; i++) {
    const u = UNITS[i]
    const bins = Math.ceil(span / u.seconds)
    if (bins <= MAX_BINS) return { unit: u.unit, binSeconds: u.seconds, bins: Math.max(1, bins) }
    // When the next unit would leave too few cells (100 minutes: 2 hours), take whole multiples of this one.
    const next = UNITS[i + 1]
    if (next === undefined || Math.ceil(span / next.seconds) < MIN_BINS) {
      const per = Math.ceil(bins / MAX_BINS)
      return { unit: u.unit, binSeconds: u.seconds * per, bins: Math.ceil(span / (u.seconds * per)) }
    }
  }
  throw new Error('unreachable: the last unit always answers')
}
