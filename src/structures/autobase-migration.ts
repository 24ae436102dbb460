/**
 * An Autobase's indexer change, checked from its cores before it is followed. Autobase moves
 * its system core and each view to new keys (autobase `_migrateView`): the new key's manifest
 * carries a prologue `{ hash, length }`, the old key's tree hash at its indexed length, so the
 * new core *continues* the old history. A writer's digest naming a new system core is only a
 * claim; it is followed when
 *   1. the new system core has a signed head that verifies against its key (its quorum),
 *   2. its prologue covers the old system core's whole replica (the signed history we hold) and
 *      both trees are equal there (tree hash at the old length, each from its own core),
 *   3. its signers carry the old quorum over (`carriesQuorum`): they include a quorum of the old
 *      signers, and the new signers that were not old ones cannot reach the new quorum alone,
 *      so every head of the new core is signed by at least one old indexer,
 *   4. its info record at that head names the views, and each view that moved continues its old
 *      key the same way (2 and 3).
 * Anything else is refused: the old keys stay followed, nothing is recorded. What cannot be
 * checked without the application: that the indexer change itself was applied as the writers'
 * oplogs say (that needs the app's `apply`), and the system blocks between the old signed
 * length and the prologue length, which only the new quorum signed.
 */
import type Hypercore from 'hypercore'
import { boundedUpdateOf, captureCoreHead } from '../heads'
import { decodeManifest, headToJson, type Migration, type MovedCore } from '../seal'
import { systemInfoAt } from './autobase'

/** The keys an Autobase is followed by: its system core and its views (in the info record's order). */
export interface AutobaseState { system: string, views: string[] }

export interface MigrationReads {
  /** A session of the core `key` in the service's store (replicated with the peers); the caller closes it. */
  open (key: string): Promise<Hypercore>
  timeoutMs: number
}

export type MigrationCheck =
  | { ok: true, migration: Migration, state: AutobaseState }
  /** `retry`: a core could not be read in time (asked again next pass); else the claim contradicts the cores. */
  | { ok: false, retry: boolean, reason: string }

class Refused extends Error {
  constructor (message: string, readonly retry = false) { super(message) }
}

async function withCores<T> (reads: MigrationReads, keys: string[], fn: (...cores: Hypercore[]) => Promise<T>): Promise<T> {
  const cores: Hypercore[] = []
  try {
    for (const k of keys) cores.push(await reads.open(k))
    return await fn(...cores)
  } finally {
    for (const c of cores) await c.close().catch(() => {})
  }
}

async function fetchBlock (core: Hypercore, index: number, timeoutMs: number, what: string): Promise<void> {
  try {
    if (await core.get(index, { timeout: timeoutMs }) === null) throw new Error('no block')
  } catch {
    throw new Refused(`block ${index} of the ${what} could not be read within ${timeoutMs} ms`, true)
  }
}

/** A manifest's signers, as far as the quorum rule needs them. */
export interface SignerSet { quorum: number, signers: ReadonlyArray<{ publicKey: Buffer }> }

/**
 * Null when `next`'s signers carry `old`'s quorum over (see the header, 3), else why not. Signers
 * are compared by public key (an Autobase indexer signs every core with its oplog key pair).
 */
export function carriesQuorum (old: SignerSet, next: SignerSet): string | null {
  const was = new Set(old.signers.map((s) => s.publicKey.toString('hex')))
  const is = next.signers.map((s) => s.publicKey.toString('hex'))
  const kept = is.filter((k) => was.has(k)).length
  const outsiders = is.length - kept
  if (kept < old.quorum) return `its signers keep ${kept} of the old signers, fewer than the old quorum of ${old.quorum}`
  if (outsiders >= next.quorum) return `its ${outsiders} new signers could sign alone (its quorum is ${next.quorum})`
  return null
}

/**
 * `next` continues `old`: its signers carry the old quorum over, its prologue covers old's
 * replica and both trees are equal there. What the manifest shows is checked before any block is
 * asked for: a claim it already contradicts is refused at once, not retried.
 */
async function continues (old: Hypercore, next: Hypercore, reads: MigrationReads, role: MovedCore['role'], view?: number): Promise<MovedCore> {
  const what = role === 'system' ? 'system core' : `view ${view}`
  const base = { role, ...(view === undefined ? {} : { view }), from: old.key.toString('hex'), to: next.key.toString('hex'), length: old.length }
  if (next.getManifest({ raw: true }) === null) await boundedUpdateOf(next, reads.timeoutMs)
  const raw = next.getManifest({ raw: true })
  if (raw === null) throw new Refused(`the new ${what}'s manifest has not arrived`, true)
  const manifest = decodeManifest(raw)
  const oldRaw = old.getManifest({ raw: true })
  const quorum = oldRaw === null ? 'the old key\'s manifest is not known here' : carriesQuorum(decodeManifest(oldRaw), manifest)
  if (quorum !== null) throw new Refused(`the new ${what} ${base.to} is not signed as its indexers would: ${quorum}`)
  const prologue = manifest.prologue === null ? null : { length: manifest.prologue.length, hash: manifest.prologue.hash.toString('hex') }
  const { length } = base
  if (length === 0) return { ...base, treeHash: (await old.treeHash(0)).toString('hex'), prologue }
  if (prologue === null || prologue.length < length) {
    throw new Refused(`the new ${what} ${base.to} does not continue ${base.from}: its manifest ${prologue === null ? 'has no prologue' : `commits to ${prologue.length} blocks`}, and the old key holds ${length} signed blocks`)
  }
  // Each tree hash needs its last block's nodes stored: without them Hypercore would wait for a peer unbounded.
  await fetchBlock(old, length - 1, reads.timeoutMs, `old ${what}`)
  await fetchBlock(next, length - 1, reads.timeoutMs, `new ${what}`)
  const [was, is] = [await old.treeHash(length), await next.treeHash(length)]
  if (!was.equals(is)) throw new Refused(`the new ${what} ${base.to} does not continue ${base.from}: their trees differ at length ${length}`)
  return { ...base, treeHash: was.toString('hex'), prologue }
}

/** Checks that the Autobase `key`, followed as `prev`, moved to the system core `nextSystem` (see the header). */
export async function checkMigration (key: string, prev: AutobaseState, nextSystem: string, reads: MigrationReads, now = new Date()): Promise<MigrationCheck> {
  try {
    return await withCores(reads, [prev.system, nextSystem], async (oldSystem, system) => {
      let head
      try {
        ({ head } = await captureCoreHead(system, { updateTimeoutMs: reads.timeoutMs }))
      } catch (err) {
        const code = (err as { code?: string }).code
        throw new Refused(`the new system core ${nextSystem} has no verified signed head (${code ?? 'unreadable'})`, code === 'NO_HEAD' || code === 'CORE_FAILED')
      }
      const moved: MovedCore[] = [await continues(oldSystem, system, reads, 'system')]
      const info = await systemInfoAt(system, reads.timeoutMs, head.length).catch(() => { throw new Refused('the new system core\'s info record could not be read', true) })
      if (info === null) throw new Refused(`the new system core ${nextSystem} holds no info record at its signed length ${head.length}`)
      for (const [i, from] of prev.views.entries()) {
        const to = info.views[i]?.key
        if (to === undefined) throw new Refused(`the new system core names no view ${i}, which ${from} was`)
        if (to !== from) moved.push(await withCores(reads, [from, to], (o, n) => continues(o, n, reads, 'view', i)))
      }
      const migration: Migration = { key, kind: 'migration', detectedAt: now.toISOString(), system: headToJson(head), info, moved }
      return { ok: true as const, migration, state: { system: nextSystem, views: info.views.map((v) => v.key) } }
    })
  } catch (err) {
    if (err instanceof Refused) return { ok: false, retry: err.retry, reason: err.message }
    throw err
  }
}
