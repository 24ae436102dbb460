/**
 * A pass's look at one core (collect.ts runs it over the cores it visits): its head captured,
 * made checkable, and compared with its last seal, on one session of the core. Reads and waits
 * only; collect.ts writes what it found.
 */
import { headToJson, type Agreement, type Head, type HeadJson, type TreeNode } from '../seal'
import { HeadsError, type Pending, type PrefixResult, type SplitView } from '../heads'
import type { ReceiptEntry, ReceiptsView, SealRef, StaleMark } from '../ledger'
import { errInfo, mapLimit } from '../util'
import type { SealerDeps } from './deps'

export const sameHead = (a: HeadJson, b: HeadJson): boolean =>
  a.key === b.key && a.length === b.length && a.fork === b.fork && a.treeHash === b.treeHash

/**
 * Cores probed at once. A probe mostly waits (tree nodes from storage, a peer's block or head),
 * so probes overlap; their results are then taken one by one in watch order, so the outcome
 * (and the incidents written) is what probing one at a time gives.
 */
const PROBE_CONCURRENCY = 16
/**
 * Cores probed per round, whose seals are read together. When most watched cores are visited
 * (after a restart) the chunk is one range of the receipts log (watched keys and receipt keys
 * share one order): far fewer B-tree walks than one per core. When few are, their keys lie far
 * apart and a range would read every core's receipts in between: each core is read alone.
 */
const READ_CHUNK = 256

/** What a core's probe found. Reads and waits only; the results loop writes. */
export type Probe =
  | { kind: 'stale', key: string, reason: string, lastHead: { length: number, fork: number } | null }
  | { kind: 'skipped', key: string, reason: string }
  | { kind: 'unchanged', key: string, head: Head, splits: SplitView[] }
  | { kind: 'candidate', key: string, head: Head, roots: TreeNode[], splits: SplitView[], check?: Check }

/**
 * A changed head compared with the core's last seal: `last`, that seal's receipt, is read when
 * the sealed head is not the replica's prefix (an `ok` check needs only the sealed head).
 */
export type Check = { prefix: PrefixResult & { status: 'ok' } } | { prefix: PrefixResult, last: ReceiptEntry, agreed?: Agreement }

/** The core's seals, or why the log read that holds them failed. */
type SealsRead = { view: ReceiptsView } | { err: unknown }

/** What a probe asks of a core's seals, from the log's memory or from a read of them. */
interface Seals {
  /** Whether exactly this head (length, fork, tree) already has a receipt. */
  sealed: (head: HeadJson) => boolean
  /** The most recently sealed head (highest batch seq), or null. */
  latest: SealRef | null
  /** Its receipt. */
  latestEntry: () => Promise<ReceiptEntry | null>
}

const sameRef = (ref: SealRef | null, head: HeadJson): boolean =>
  ref !== null && ref.length === head.length && ref.fork === head.fork && ref.treeHash === head.treeHash

/**
 * The core's seals for `head`: from the log's memory when it settles the question (the head is
 * the latest seal, or longer than every seal: nearly every core of a pass), else read (and then
 * remembered). Reads the log only then.
 */
async function sealsFor (deps: SealerDeps, key: string, head: HeadJson, read: () => Promise<SealsRead>): Promise<Seals> {
  const summary = deps.log.sealSummary(key)
  if (summary !== undefined && (sameRef(summary.latest, head) || head.length > summary.maxLength)) {
    return {
      sealed: (h) => sameRef(summary.latest, h),
      latest: summary.latest,
      latestEntry: async () => (await deps.log.receiptsViews([key]))[0].latest()
    }
  }
  const seals = await read()
  if ('err' in seals) throw seals.err
  const { view } = seals
  const { latest } = view.summary()
  return { sealed: (h) => view.at(h.length).some((e) => sameHead(e.receipt.head, h)), latest, latestEntry: async () => view.latest() }
}

interface ProbeContext {
  /** The pass's collect deadline (ms since the epoch). */
  passDeadline: number
  coreBudgetMs: number
  wasStale: boolean
  /** Why the core is visited. */
  why: Visit['why']
}

/** A core a pass looks at, and why: pending in the watcher, or stale with a peer connected now. */
export interface Visit { key: string, why: Pending | 'stale' }

/** The last head the watcher saw of a core, if any (null once it is unwatched). */
function heldHead (deps: SealerDeps, key: string): { length: number, fork: number } | null {
  try {
    return deps.watcher.lastSeen(key)
  } catch {
    return null
  }
}

/**
 * A core whose wait ran out: stale when its own budget did, skipped when the pass's did (the
 * core was not given its time: it stays pending, and a later pass looks at it again).
 */
function outOfTime (ctx: ProbeContext, key: string, err: unknown, lastHead: { length: number, fork: number } | null): Probe {
  if (Date.now() >= ctx.passDeadline) return { kind: 'skipped', key, reason: 'not finished within the pass budget' }
  return { kind: 'stale', key, reason: errInfo(err).message, lastHead }
}

const timedOut = (err: unknown): boolean => err instanceof HeadsError && (err.code === 'UPDATE_TIMEOUT' || err.code === 'NO_HEAD')

/** Captures the core's head, makes it checkable, compares it with its last seal; on one session of the core. */
async function probe (deps: SealerDeps, key: string, seals: () => Promise<SealsRead>, ctx: ProbeContext): Promise<Probe> {
  if (Date.now() >= ctx.passDeadline) return { kind: 'skipped', key, reason: 'not reached within the pass budget' }
  try {
    return await deps.watcher.hold(key, async () => await probeHeld(deps, key, seals, ctx))
  } catch (err) {
    return { kind: 'skipped', key, reason: errInfo(err).message }
  }
}

async function probeHeld (deps: SealerDeps, key: string, read: () => Promise<SealsRead>, ctx: ProbeContext): Promise<Probe> {
  const deadline = Math.min(ctx.passDeadline, Date.now() + ctx.coreBudgetMs)
  let captured: { head: Head, roots: TreeNode[] }
  try {
    // A core restored at start is read as it is stored (its peers announce what is newer);
    // one already stale is not waited for again.
    captured = await deps.watcher.capture(key, { deadline, waitForPeers: !ctx.wasStale && ctx.why !== 'unknown' })
  } catch (err) {
    if (timedOut(err)) return outOfTime(ctx, key, err, heldHead(deps, key))
    return { kind: 'skipped', key, reason: errInfo(err).message }
  }
  const { head, roots } = captured
  try {
    // The core's seals answer both questions: alreadySealed, then lastSealed.
    const json = headToJson(head)
    const seals = await sealsFor(deps, key, json, read)
    if (seals.sealed(json)) {
      return { kind: 'unchanged', key, head, splits: await deps.watcher.splitViews(key, captured, { deadline }) }
    }
    // The peer probes read each peer apart from our replica, so they run beside the rest: a
    // silent peer delays no other step, and a block fetched from the other side of a split view
    // (which makes Hypercore close our session) does not hide the split from the probes.
    const [splits, check] = await Promise.all([
      deps.watcher.splitViews(key, captured, { deadline }),
      checkChanged(deps, key, head, json, seals, { deadline, wasStale: ctx.wasStale })
    ])
    return { kind: 'candidate', key, head, roots, splits, ...(check !== undefined ? { check } : {}) }
  } catch (err) {
    if (timedOut(err)) return outOfTime(ctx, key, err, head)
    return { kind: 'skipped', key, reason: errInfo(err).message }
  }
}

/**
 * A changed head: its last block (with its Merkle path) is stored before the head is sealed,
 * so the sealed prefix stays checkable without any peer. It is also the pass's question to the
 * peers: a head they announced but cannot deliver is not sealed (the core is stale). Then the
 * head is compared with the core's last seal, if any.
 */
async function checkChanged (deps: SealerDeps, key: string, head: Head, json: HeadJson, seals: Seals, opts: { deadline: number, wasStale: boolean }): Promise<Check | undefined> {
  await deps.watcher.holdBlock(key, head, { deadline: opts.deadline, failFast: opts.wasStale })
  // The most recently sealed head (highest batch seq), not the longest: after a rewind was
  // sealed, later heads are compared with the rewound history, so one rewind is one incident.
  const sealed = seals.latest
  if (sealed === null) return undefined
  const prefix = await deps.watcher.checkPrefix(key, { length: sealed.length, fork: sealed.fork, treeHash: sealed.treeHash }, { deadline: opts.deadline })
  if (prefix.status === 'ok') return { prefix: { ...prefix, status: 'ok' } }
  const last = await seals.latestEntry()
  if (last === null || !sameRef(sealed, last.receipt.head)) {
    throw new HeadsError('CORE_FAILED', `The latest seal of core ${key} changed while it was checked; the next pass looks at it again.`)
  }
  const check: Check = { last, prefix }
  if (recordable(prefix)) check.agreed = await deps.watcher.agreement(key, { head: last.receipt.head, roots: last.roots }, json, opts.deadline)
  return check
}

/**
 * A rewind or fork this check itself proves. With a Hypercore conflict seen on the core, its
 * fork is the conflict's incident (recorded from the proof); a check that finds the sealed tree
 * intact adds no second one.
 */
export function recordable (prefix: PrefixResult): boolean {
  if (prefix.status !== 'rewind' && prefix.status !== 'fork') return false
  if (prefix.conflictSeen !== true) return true
  return prefix.treeHashAtSealed !== undefined && !prefix.treeHashAtSealed.equals(prefix.sealed.treeHash)
}

/**
 * The seals of a chunk of cores in one read. If that read fails (a damaged log), they are read
 * core by core, so that only the cores whose own seals cannot be read are skipped.
 */
async function readSeals (deps: SealerDeps, chunk: string[]): Promise<SealsRead[]> {
  try {
    return (await deps.log.receiptsViews(chunk)).map((view) => ({ view }))
  } catch {
    return await mapLimit(chunk, 1, (key) => readOne(deps, key))
  }
}

const readOne = async (deps: SealerDeps, key: string): Promise<SealsRead> =>
  await deps.log.receiptsViews([key]).then(([view]): SealsRead => ({ view }), (err: unknown): SealsRead => ({ err }))

export async function probeAll (deps: SealerDeps, visits: Visit[], stale: ReadonlyMap<string, StaleMark>, ctx: Omit<ProbeContext, 'wasStale' | 'why'>): Promise<Probe[]> {
  const probes: Probe[] = []
  const dense = visits.length * 2 >= deps.watcher.size
  for (let i = 0; i < visits.length; i += READ_CHUNK) {
    const chunk = visits.slice(i, i + READ_CHUNK)
    // Read together only what the log does not keep in memory (after a restart: every core).
    const together = dense && chunk.some((v) => deps.log.sealSummary(v.key) === undefined) ? await readSeals(deps, chunk.map((v) => v.key)) : null
    probes.push(...await mapLimit(chunk.map((visit, j) => ({ visit, j })), PROBE_CONCURRENCY, ({ visit, j }) =>
      probe(deps, visit.key, async () => together?.[j] ?? await readOne(deps, visit.key), { ...ctx, wasStale: stale.has(visit.key), why: visit.why })))
  }
  return probes
}

/** What the pass looks at: the watcher's pending cores, then the stale ones a peer can reach now. */
export function visitsOf (deps: SealerDeps, stale: ReadonlyMap<string, StaleMark>): Visit[] {
  const visits: Visit[] = deps.watcher.pending().map((p) => ({ key: p.key, why: p.pending }))
  const pending = new Set(visits.map((v) => v.key))
  const reachable = [...stale.keys()].filter((key) => !pending.has(key) && deps.watcher.reachable(key)).sort()
  const at = visits.findIndex((v) => v.why === 'unknown')
  visits.splice(at === -1 ? visits.length : at, 0, ...reachable.map((key): Visit => ({ key, why: 'stale' })))
  return visits
}
