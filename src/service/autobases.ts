/**
 * The Autobases the service follows: each watched Autobase key (its bootstrap writer's oplog)
 * names its system core; the system core's info record names the views. Both are watched with
 * the Autobase's peers, so every pass seals them. When the oplog's digest names a new system
 * core (an indexer change), the move is checked (src/structures `checkMigration`) and recorded
 * once as a `migration` in the receipts log; the new keys are followed from then on and the old
 * ones stay watched (their sealed history stays verifiable; they no longer grow). What is
 * followed is kept in the journal's state, so a restart neither loses nor records it again.
 */
import type { ReceiptsLog, Journal, WatchEntry } from '../ledger'
import { checkMigration, systemInfoAt, systemKeyOf, type AutobaseState } from '../structures'
import type { Logger } from '../util'
import type Hypercore from 'hypercore'

export interface FollowedAutobase extends AutobaseState {
  /** The latest system core a writer named that did not check out, and why (not followed). */
  refused?: { system: string, reason: string }
}

export interface AutobaseDeps {
  journal: Journal
  log: ReceiptsLog
  logger: Logger
  session (key: string): Promise<Hypercore>
  /** Watches `part` with the peers of the structure's `entry` (and any it had). */
  watchPart (part: string, entry: WatchEntry): Promise<unknown>
}

const stateName = (key: string): string => `autobase:${key}`

export class AutobaseFollower {
  private readonly followed = new Map<string, FollowedAutobase>()
  /** Each followed part (system core, view) and the Autobase it belongs to. */
  private readonly parts = new Map<string, { key: string, role: 'system' | 'view' }>()

  constructor (private readonly deps: AutobaseDeps) {}

  get (key: string): FollowedAutobase | undefined { return this.followed.get(key) }
  partOf (key: string): { key: string, role: 'system' | 'view' } | undefined { return this.parts.get(key) }

  /** Brings the Autobase `entry` up to date: its system core named now, a checked migration, its views; never throws. */
  async follow (entry: WatchEntry, timeoutMs: number): Promise<void> {
    try {
      let state = this.followed.get(entry.key) ?? await this.restore(entry.key)
      const named = await this.read(entry.key, (core) => systemKeyOf(core, timeoutMs))
      if (state === null) {
        if (named === null) return
        state = { system: named, views: await this.viewsOf(named, timeoutMs) ?? [] }
        await this.keep(entry.key, state)
      } else if (named !== null && named !== state.system && state.refused?.system !== named) {
        state = await this.migrate(entry.key, state, named, timeoutMs)
      } else {
        const views = await this.viewsOf(state.system, 0)
        if (views !== null && views.length > state.views.length && views.slice(0, state.views.length).every((v, i) => v === state!.views[i])) {
          state = { ...state, views }
          await this.keep(entry.key, state)
        }
      }
      this.index(entry.key, state)
      for (const part of [state.system, ...state.views]) await this.deps.watchPart(part, entry)
    } catch (err) {
      this.deps.logger.warn({ key: entry.key, err: (err as Error).message }, 'could not follow an Autobase this time')
    }
  }

  private async migrate (key: string, state: FollowedAutobase, named: string, timeoutMs: number): Promise<FollowedAutobase> {
    const check = await checkMigration(key, state, named, { open: (k) => this.deps.session(k), timeoutMs })
    if (!check.ok) {
      if (check.retry) {
        this.deps.logger.info({ key, system: named, reason: check.reason }, 'an Autobase names a new system core not readable yet; checked again next pass')
        return state
      }
      this.deps.logger.warn({ key, system: named, reason: check.reason }, 'an Autobase writer names a system core that does not continue the followed one: refused, not followed')
      const refused = { ...state, refused: { system: named, reason: check.reason } }
      await this.keep(key, refused)
      return refused
    }
    const { created } = await this.deps.log.appendMigration(check.migration)
    this.deps.logger.info({ key, from: state.system, to: named, created }, 'MIGRATION: the Autobase moved to new keys after an indexer change; following them')
    await this.keep(key, check.state)
    return check.state
  }

  private index (key: string, state: AutobaseState): void {
    this.parts.set(state.system, { key, role: 'system' })
    for (const v of state.views) this.parts.set(v, { key, role: 'view' })
  }

  private async viewsOf (system: string, timeoutMs: number): Promise<string[] | null> {
    const info = await this.read(system, (core) => systemInfoAt(core, timeoutMs).catch(() => null))
    return info === null ? null : info.views.map((v) => v.key)
  }

  private async read<T> (key: string, fn: (core: Hypercore) => Promise<T>): Promise<T> {
    const core = await this.deps.session(key)
    try {
      return await fn(core)
    } finally {
      await core.close().catch(() => {})
    }
  }

  private async restore (key: string): Promise<FollowedAutobase | null> {
    const kept = parseFollowed(await this.deps.journal.getState(stateName(key)))
    if (kept !== null) this.followed.set(key, kept)
    return kept
  }

  private async keep (key: string, state: FollowedAutobase): Promise<void> {
    this.followed.set(key, state)
    await this.deps.journal.setState(stateName(key), state)
  }
}

const HEX32 = /^[0-9a-f]{64}$/

/** The journal's state of an Autobase, or null when there is none or it is not of this shape (then it is read again from the cores). */
function parseFollowed (value: unknown): FollowedAutobase | null {
  const v = value as Partial<FollowedAutobase> | null | undefined
  if (typeof v !== 'object' || v === null || typeof v.system !== 'string' || !HEX32.test(v.system)) return null
  if (!Array.isArray(v.views) || !v.views.every((k) => typeof k === 'string' && HEX32.test(k))) return null
  const out: FollowedAutobase = { system: v.system, views: [...v.views] }
  const r = v.refused
  if (typeof r === 'object' && r !== null && typeof r.system === 'string' && HEX32.test(r.system) && typeof r.reason === 'string') out.refused = { system: r.system, reason: r.reason }
  return out
}
