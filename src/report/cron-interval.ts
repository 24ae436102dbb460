/**
 * The nominal interval of a cron schedule, for judging gaps between seals. Assumptions, said
 * once: node-cron's 5 fields (minute first) or 6 (second first); only the finest field that is
 * not a single fixed value decides: `*` is 1 unit, `*\/n` is n units, a list or range of k values
 * spread over the field's span counts as span/k units; coarser fields are taken as "every". So
 * `* * * * *` is 60 s, `*\/5 * * * *` 300 s, `0 * * * *` 3600 s, `0 0 * * *` 86400 s,
 * `* * * * * *` 1 s. A schedule with fixed values in every field (a yearly date) counts as a
 * year; month and weekday restrictions are ignored (they lengthen some gaps, never shorten).
 */
const UNITS = [
  { seconds: 1, span: 60 }, // second
  { seconds: 60, span: 60 }, // minute
  { seconds: 3600, span: 24 }, // hour
  { seconds: 86_400, span: 31 } // day of month
]
const YEAR = 365 * 86_400

/** How many values a field takes per span, or null for "one fixed value". */
function valuesPerSpan (field: string, span: number): number | null {
  if (field === '*' || field === '?') return span
  const step = /^\*\/(\d+)$/.exec(field)
  if (step !== null) return Math.max(1, Math.floor(span / Math.max(1, Number(step[1]))))
  let count = 0
  for (const part of field.split(',')) {
    const range = /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(part)
    if (range !== null) {
      const width = Math.max(0, Number(range[2]) - Number(range[1]))
      count += Math.floor(width / Math.max(1, Number(range[3] ?? 1))) + 1
    } else {
      count += 1
    }
  }
  return count <= 1 ? null : count
}

export function nominalIntervalSeconds (cron: string): number {
  const fields = cron.trim().split(/\s+/)
  const timeFields = fields.length === 6 ? fields.slice(0, 4) : [null, ...fields.slice(0, 3)]
  for (let i = 0; i < UNITS.length; i++) {
    const field = timeFields[i]
    if (field === null || field === undefined) continue
    const n = valuesPerSpan(field, UNITS[i].span)
    if (n !== null) return Math.max(1, Math.round((UNITS[i].span / n) * UNITS[i].seconds))
  }
  return YEAR
}

export const INTERVAL_ASSUMPTION =
  'The nominal interval is read from the finest cron field that is not fixed (* = 1 unit, */n = n units, k listed values = span/k); month and weekday limits are ignored. A seal happens only when a head changed, so a gap longer than the interval means no change was sealed in those slots, not necessarily a missed pass.'
