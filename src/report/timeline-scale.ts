/**
 * The timeline's scale, chosen from the period: the finest of minute, hour, day, week that
 * gives at most MAX_BINS bins (hours for a day, days for a month, weeks for a year), widened
 * by whole units beyond that. Both renderings draw the same bins.
 */
import type { AuditReport } from './types'

export const MAX_BINS = 96
const UNITS: Array<{ unit: AuditReport['timeline']['unit'], seconds: number }> = [
  { unit: 'minute', seconds: 60 }, { unit: 'hour', seconds: 3600 }, { unit: 'day', seconds: 86_400 }, { unit: 'week', seconds: 604_800 }
]

export function timelineScale (fromMs: number, toMs: number): AuditReport['timeline'] {
  const span = Math.max(1, (toMs - fromMs) / 1000)
  for (const u of UNITS) {
    const bins = Math.ceil(span / u.seconds)
    if (bins <= MAX_BINS) return { unit: u.unit, binSeconds: u.seconds, bins: Math.max(1, bins) }
  }
  const week = UNITS[UNITS.length - 1]
  const per = Math.ceil(span / week.seconds / MAX_BINS)
  return { unit: 'week', binSeconds: week.seconds * per, bins: Math.ceil(span / (week.seconds * per)) }
}
