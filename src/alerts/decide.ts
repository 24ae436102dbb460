/**
 * Observations to alerts, pure: which observation is a transition, and the one plain sentence
 * each alert carries. A condition (a core stale, passes failing, an anchor behind, funds low) is
 * a named flag kept in the delivery log; an alert fires when its flag turns on (and `core_back`
 * when a core's stale flag turns off), so a condition that lasts many passes alerts once, and
 * a restart does not alert again for a condition already reported.
 */
import type { AlertKind, Observation } from './types'

export interface Thresholds {
  /** `pass_failed` after this many failed passes in a row. */
  passFailures: number
  /** `anchor_behind` when an anchor was last caught up more than its schedule × this ago. */
  anchorFactor: number
  /** `balance_low` when the sealer's funds last fewer days than this at the current spend rate. */
  balanceDays: number
}

export const DEFAULT_THRESHOLDS: Thresholds = { passFailures: 3, anchorFactor: 3, balanceDays: 7 }

export interface Draft {
  kind: AlertKind
  key?: string
  summary: string
  details: Record<string, unknown>
}

export interface Decision {
  /** Condition flags to set (true) or clear (false), written with the alert. */
  flags: Array<[string, boolean]>
  alert: Draft | null
}

const NOTHING: Decision = { flags: [], alert: null }

/** Cores named in one stale or back alert at most (the count says how many there were). */
export const CORES_LISTED = 100

/**
 * What `o` means, given the flags that are on and the failed passes in a row so far (counted
 * by the caller, the pass observation included). `now` in ms.
 */
export function decide (o: Observation, on: (flag: string) => boolean, failuresInARow: number, t: Thresholds, now: number): Decision {
  switch (o.kind) {
    case 'incident': {
      const flag = `incident:${o.identity}`
      if (on(flag)) return NOTHING
      const i = o.incident
      const what = i.kind === 'fork'
        ? 'its writer signed two different histories (a fork)'
        : `its writer rewound it below a sealed length (sealed length ${i.sealed.length}, now length ${i.observed.length} at fork ${i.observed.fork})`
      return {
        flags: [[flag, true]],
        alert: {
          kind: 'incident',
          key: i.key,
          summary: `Core ${i.key} no longer matches its seal: ${what}; versions up to ${i.agreed?.length ?? 0} stay verified.`,
          details: { incident: i }
        }
      }
    }
    case 'core_stale': {
      const fresh = o.cores.filter((c) => !on(`stale:${c.key}`))
      if (fresh.length === 0) return NOTHING
      const flags = fresh.map((c): [string, boolean] => [`stale:${c.key}`, true])
      const cores = { count: fresh.length, cores: fresh.slice(0, CORES_LISTED) }
      if (fresh.length > 1) {
        return { flags, alert: { kind: 'core_stale', summary: `${fresh.length} cores went stale in one pass (${fresh[0].reason}, and others); they are skipped, not sealed, until their peers answer.`, details: cores } }
      }
      const c = fresh[0]
      return {
        flags,
        alert: { kind: 'core_stale', key: c.key, summary: `Core ${c.key} is stale since ${c.since}: ${c.reason}; it is skipped, not sealed, until its peers answer.`, details: cores }
      }
    }
    case 'core_back': {
      const back = o.keys.filter((k) => on(`stale:${k}`))
      if (back.length === 0) return NOTHING
      const flags = back.map((k): [string, boolean] => [`stale:${k}`, false])
      const details = { count: back.length, keys: back.slice(0, CORES_LISTED) }
      if (back.length > 1) return { flags, alert: { kind: 'core_back', summary: `${back.length} stale cores are reachable again and sealed as before.`, details } }
      return { flags, alert: { kind: 'core_back', key: back[0], summary: `Core ${back[0]} is reachable again and sealed as before.`, details } }
    }
    case 'pass': {
      if (o.error === null) return on('pass_failed') ? { flags: [['pass_failed', false]], alert: null } : NOTHING
      if (failuresInARow < t.passFailures || on('pass_failed')) return NOTHING
      return {
        flags: [['pass_failed', true]],
        alert: {
          kind: 'pass_failed',
          summary: `${failuresInARow} seal passes in a row failed; the last one with ${o.error.code ?? 'an error'}: ${o.error.message}`,
          details: { failuresInARow, error: o.error }
        }
      }
    }
    case 'anchor': {
      const flag = `anchor_behind:${o.anchor}`
      const limitMs = o.intervalSeconds * t.anchorFactor * 1000
      const behind = now - o.caughtUpAt > limitMs
      if (!behind) return on(flag) ? { flags: [[flag, false]], alert: null } : NOTHING
      if (on(flag)) return NOTHING
      const minutes = Math.round((now - o.caughtUpAt) / 60_000)
      return {
        flags: [[flag, true]],
        alert: {
          kind: 'anchor_behind',
          summary: `The ${o.anchor} anchor has not caught up for ${minutes} minute${minutes === 1 ? '' : 's'} (since ${new Date(o.caughtUpAt).toISOString()}), more than ${t.anchorFactor} times its ${o.intervalSeconds} s schedule: ${o.primary ? 'new heads are not being sealed' : 'the batches sealed since lack this clock'}.`,
          details: { anchor: o.anchor, caughtUpAt: new Date(o.caughtUpAt).toISOString(), intervalSeconds: o.intervalSeconds, factor: t.anchorFactor }
        }
      }
    }
    case 'balance': {
      const low = o.daysLeft !== null && o.daysLeft < t.balanceDays
      if (!low) return on('balance_low') ? { flags: [['balance_low', false]], alert: null } : NOTHING
      if (on('balance_low')) return NOTHING
      return {
        flags: [['balance_low', true]],
        alert: {
          kind: 'balance_low',
          summary: `The sealer account ${o.address ?? ''} has funds for about ${o.daysLeft!.toFixed(1)} days at the current spend rate (below ${t.balanceDays}); fund it before seals stop.`,
          details: { address: o.address, balanceWei: o.balanceWei, spendPerDayWei: o.spendPerDayWei, daysLeft: o.daysLeft, thresholdDays: t.balanceDays }
        }
      }
    }
  }
}
