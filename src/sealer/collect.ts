/**
 * The first half of a pass: capture the head of every core that may have changed, skip the
 * unchanged ones, and check each changed head against the core's last sealed head. A rewind or
 * fork becomes an incident; the head is still sealed, marked as a contradiction (a sealed
 * contradiction is public evidence).
 *
 * Which cores: the watcher's pending ones (heads/core-record.ts) — whose replica took a new
 * head since a pass last settled them (its observer saw the append or truncate, whether a pass,
 * a verify or a peer opened the core), those watched since the start and never settled, and
 * those restored at start and not read since — plus the stale ones that a peer can reach now.
 * Every other core is as a pass last left it: skipped without being opened.
 *
 * Each core gets a deadline inside the pass. Whatever its peers do not deliver by then (the
 * last block of an announced head, the block a prefix check needs) makes the core `stale` for
 * this pass: it is skipped, marked, and never holds up the others. A core already stale with no
 * peer connected is not waited for again until one connects.
 */
import { headToJson, type Agreement, type Head, type HeadJson, type Incident, type IncidentKind, type TreeNode } from '../seal'
import { HeadsError, type Pending, type PrefixResult, type SplitView } from '../heads'
import type { ReceiptEntry, ReceiptsLog, ReceiptsView, StaleMark } from '../ledger'
import { errInfo } from '../util'
import type { SealerDeps } from './deps'
import { recordIncident } from './incidents'
import { mapLimit } from './map-limit'

export interface Candidate {
  head: Head
  /** The roots of the head's length, kept with its receipt. */
  roots: TreeNode[]
  contradicts?: IncidentKind
}

export interface Collected {
  candidates: Candidate[]
  skipped: Array<{ key: string, reason: string }>
  incidents: Incident[]
  /** Stale marks to set (a mark) or clear (null), by core. */
  stale: Map<string, StaleMark | null>
  /**
   * Cores looked at and concluded, with the head they were concluded at (null: none): settled
   * in the watcher once the pass has kept what it found (its batch journaled), so that a pass
   * that fails before looks at them again.
   */
  settled: Array<{ key: string, head: { length: number, fork: number } | null }>
}

const sameHead = (a: HeadJson, b: HeadJson): boolean =>
  a.key === b.key && a.length === b.length && a.fork === b.fork && a.treeHash === b.treeHash

/** True when exactly this head (length, fork, tree) already has a receipt. */
export async function alreadySealed (log: ReceiptsLog, head: HeadJson): Promise<boolean> {
  const entries = await log.receiptsAt(head.key, head.length)
  return entries.some((e) => sameHead(e.receipt.head, head))
}

/**
 * The most recently sealed head of a core (highest batch seq), not the longest: after a rewind
 * was sealed, later heads are compared with the rewound history, so one rewind is one incident.
 */
function lastSealed (entries: ReceiptEntry[]): ReceiptEntry | null {
  let last: ReceiptEntry | null = null
  for (const entry of entries) {
    if (last === null || entry.batch > last.batch) last = entry
  }
  return last
}

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
type Probe =
  | { kind: 'stale', key: string, reason: string, lastHead: { length: number, fork: number } | null }
  | { kind: 'skipped', key: string, reason: string }
  | { kind: 'unchanged', key: string, head: Head, splits: SplitView[] }
  | { kind: 'candidate', key: string, head: Head, roots: TreeNode[], splits: SplitView[], check?: Check }

/** A changed head compared with the core's last seal. */
interface Check { last: ReceiptEntry, prefix: PrefixResult, agreed?: Agreement }

/** The core's seals, or why the log read that holds them failed. */
type SealsRead = { view: ReceiptsView } | { err: unknown }

interface ProbeContext {
  /** The pass's collect deadline (ms since the epoch). */
  passDeadline: number
  coreBudgetMs: number
  wasStale: boolean
  /** Why the core is visited. */
  why: Visit['why']
}

/** A core a pass looks at, and why: pending in the watcher, or stale with a peer connected now. */
interface Visit { key: string, why: Pending | 'stale' }

/** The last head the watcher saw of a core, if any (null once it is unwatched). */
function heldHead (deps: SealerDeps, key: string): { length: number, fork: number } | null {
  try {
    return deps.watcher.lastSeen(key)
  } catch {
    return null
  }
}

const timedOut = (err: unknown): boolean => err instanceof HeadsError && (err.code === 'UPDATE_TIMEOUT' || err.code === 'NO_HEAD')

/** Captures the core's head, makes it checkable, compares it with its last seal; on one session of the core. */
async function probe (deps: SealerDeps, key: string, seals: () => Promise<SealsRead>, ctx: ProbeContext): Promise<Probe> {
  if (Date.now() >= ctx.passDeadline) return { kind: 'skipped', key, reason: 'not reached within the pass budget' }
  try {
    return await deps.watcher.hold(key, async () => await probeHeld(deps, key, await seals(), ctx))
  } catch (err) {
    return { kind: 'skipped', key, reason: errInfo(err).message }
  }
}

async function probeHeld (deps: SealerDeps, key: string, seals: SealsRead, ctx: ProbeContext): Promise<Probe> {
  const deadline = Math.min(ctx.passDeadline, Date.now() + ctx.coreBudgetMs)
  let captured: { head: Head, roots: TreeNode[] }
  try {
    // A core restored at start is read as it is stored (its peers announce what is newer);
    // one already stale is not waited for again.
    captured = await deps.watcher.capture(key, { deadline, waitForPeers: !ctx.wasStale && ctx.why !== 'unknown' })
  } catch (err) {
    if (timedOut(err)) return { kind: 'stale', key, reason: errInfo(err).message, lastHead: heldHead(deps, key) }
    return { kind: 'skipped', key, reason: errInfo(err).message }
  }
  const { head, roots } = captured
  try {
    if ('err' in seals) throw seals.err
    // The core's seals answer both questions: alreadySealed, then lastSealed.
    const json = headToJson(head)
    if (seals.view.at(json.length).some((e) => sameHead(e.receipt.head, json))) {
      return { kind: 'unchanged', key, head, splits: await deps.watcher.splitViews(key, captured, { deadline }) }
    }
    // The peer probes read each peer apart from our replica, so they run beside the rest: a
    // silent peer delays no other step, and a block fetched from the other side of a split view
    // (which makes Hypercore close our session) does not hide the split from the probes.
    const [splits, check] = await Promise.all([
      deps.watcher.splitViews(key, captured, { deadline }),
      checkChanged(deps, key, head, json, seals.view, { deadline, wasStale: ctx.wasStale })
    ])
    return { kind: 'candidate', key, head, roots, splits, ...(check !== undefined ? { check } : {}) }
  } catch (err) {
    if (timedOut(err)) return { kind: 'stale', key, reason: errInfo(err).message, lastHead: head }
    return { kind: 'skipped', key, reason: errInfo(err).message }
  }
}

/**
 * A changed head: its last block (with its Merkle path) is stored before the head is sealed,
 * so the sealed prefix stays checkable without any peer. It is also the pass's question to the
 * peers: a head they announced but cannot deliver is not sealed (the core is stale). Then the
 * head is compared with the core's last seal, if any.
 */
async function checkChanged (deps: SealerDeps, key: string, head: Head, json: HeadJson, seals: ReceiptsView, opts: { deadline: number, wasStale: boolean }): Promise<Check | undefined> {
  await deps.watcher.holdBlock(key, head, { deadline: opts.deadline, failFast: opts.wasStale })
  const last = lastSealed(seals.all())
  if (last === null) return undefined
  const sealed = last.receipt.head
  const prefix = await deps.watcher.checkPrefix(key, { length: sealed.length, fork: sealed.fork, treeHash: sealed.treeHash }, { deadline: opts.deadline })
  const check: Check = { last, prefix }
  if (recordable(prefix)) check.agreed = await deps.watcher.agreement(key, { head: sealed, roots: last.roots }, json, opts.deadline)
  return check
}

/**
 * A rewind or fork this check itself proves. With a Hypercore conflict seen on the core, its
 * fork is the conflict's incident (recorded from the proof); a check that finds the sealed tree
 * intact adds no second one.
 */
function recordable (prefix: PrefixResult): boolean {
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

async function probeAll (deps: SealerDeps, visits: Visit[], stale: ReadonlyMap<string, StaleMark>, ctx: Omit<ProbeContext, 'wasStale' | 'why'>): Promise<Probe[]> {
  const probes: Probe[] = []
  const dense = visits.length * 2 >= deps.watcher.size
  for (let i = 0; i < visits.length; i += READ_CHUNK) {
    const chunk = visits.slice(i, i + READ_CHUNK)
    const together = dense ? await readSeals(deps, chunk.map((v) => v.key)) : null
    probes.push(...await mapLimit(chunk.map((visit, j) => ({ visit, j })), PROBE_CONCURRENCY, ({ visit, j }) =>
      probe(deps, visit.key, async () => together?.[j] ?? await readOne(deps, visit.key), { ...ctx, wasStale: stale.has(visit.key), why: visit.why })))
  }
  return probes
}

/** What the pass looks at: the watcher's pending cores, then the stale ones a peer can reach now. */
function visitsOf (deps: SealerDeps, stale: ReadonlyMap<string, StaleMark>): Visit[] {
  const visits: Visit[] = deps.watcher.pending().map((p) => ({ key: p.key, why: p.pending }))
  const pending = new Set(visits.map((v) => v.key))
  const reachable = [...stale.keys()].filter((key) => !pending.has(key) && deps.watcher.reachable(key)).sort()
  const at = visits.findIndex((v) => v.why === 'unknown')
  visits.splice(at === -1 ? visits.length : at, 0, ...reachable.map((key): Visit => ({ key, why: 'stale' })))
  return visits
}

/** A core's new stale mark; undefined when the one it holds still says it all (no journal write). */
function nextStaleMark (prev: StaleMark | undefined, reason: string, lastHead: { length: number, fork: number } | null): StaleMark | undefined {
  const head = lastHead === null ? prev?.lastHead ?? null : { length: lastHead.length, fork: lastHead.fork }
  if (prev !== undefined && prev.reason === reason && prev.lastHead?.length === head?.length && prev.lastHead?.fork === head?.fork) return undefined
  return { since: prev?.since ?? new Date().toISOString(), lastHead: head, reason }
}

export async function collectHeads (deps: SealerDeps, opts: { deadline: number, coreBudgetMs: number }): Promise<Collected> {
  const out: Collected = { candidates: [], skipped: [], incidents: [], stale: new Map(), settled: [] }
  const stale = await deps.journal.staleMarks()
  const visits = visitsOf(deps, stale)
  const probes = await probeAll(deps, visits, stale, { passDeadline: opts.deadline, coreBudgetMs: opts.coreBudgetMs })
  skipUnvisited(deps, new Set(visits.map((v) => v.key)), stale, out)
  for (const p of probes) {
    const { key } = p
    if (p.kind === 'stale') {
      const mark = nextStaleMark(stale.get(key), p.reason, p.lastHead)
      if (mark !== undefined) out.stale.set(key, mark)
      out.skipped.push({ key, reason: `stale: ${p.reason}` })
      out.settled.push({ key, head: p.lastHead === null ? null : { length: p.lastHead.length, fork: p.lastHead.fork } })
      deps.logger.warn({ key, reason: p.reason }, 'core stale: skipped for this pass')
      continue
    }
    if (p.kind === 'skipped') {
      out.skipped.push({ key, reason: p.reason })
      deps.logger.warn({ key, reason: p.reason }, 'core skipped for this pass')
      continue
    }
    // It answered: whatever made it stale is over.
    if (stale.has(key)) out.stale.set(key, null)
    for (const split of p.splits) out.incidents.push(await splitViewIncident(deps, key, p.head, split))
    if (p.kind === 'unchanged') {
      out.skipped.push({ key, reason: `unchanged since its seal at length ${p.head.length}` })
      out.settled.push({ key, head: { length: p.head.length, fork: p.head.fork } })
      continue
    }
    const { head, roots, check } = p
    if (check?.prefix.status !== 'behind') out.settled.push({ key, head: { length: head.length, fork: head.fork } })
    if (check === undefined || check.prefix.status === 'ok') {
      out.candidates.push({ head, roots })
    } else if (check.prefix.status === 'behind') {
      out.skipped.push({ key, reason: `the replica (length ${check.prefix.replica.length}) is behind its last seal (length ${check.last.receipt.head.length})` })
    } else {
      if (recordable(check.prefix)) out.incidents.push(await prefixIncident(deps, key, head, check))
      out.candidates.push({ head, roots, contradicts: check.prefix.status })
    }
  }
  return out
}

/** Every watched core the pass did not look at: as a pass last left it. */
function skipUnvisited (deps: SealerDeps, visited: ReadonlySet<string>, stale: ReadonlyMap<string, StaleMark>, out: Collected): void {
  for (const key of deps.watcher.keys()) {
    if (visited.has(key)) continue
    const mark = stale.get(key)
    const seen = deps.watcher.lastSeen(key)
    out.skipped.push({ key, reason: mark !== undefined ? `stale: ${mark.reason}` : `unchanged since a pass last looked at it${seen === null ? '' : ` (length ${seen.length})`}` })
  }
}

async function prefixIncident (deps: SealerDeps, key: string, head: Head, { last, prefix, agreed }: Check): Promise<Incident> {
  const seal = last.receipt.seal
  return await recordIncident(deps, {
    key,
    kind: prefix.status as IncidentKind,
    detectedAt: new Date().toISOString(),
    sealed: last.receipt.head,
    observed: headToJson(head),
    ...(agreed !== undefined ? { agreed } : {}),
    sealedIn: { root: seal.root, txHash: seal.txHash, blockNumber: seal.blockNumber },
    evidence: {
      source: 'seal-pass prefix check',
      reason: prefix.reason,
      replica: { length: prefix.replica.length, fork: prefix.replica.fork },
      ...(prefix.treeHashAtSealed ? { treeHashAtSealedLength: prefix.treeHashAtSealed.toString('hex') } : {}),
      ...(prefix.conflictSeen ? { hypercoreConflict: true } : {})
    }
  })
}

/**
 * A fork that the shared replica cannot see: a peer signing another tree for the same length
 * and fork as the head we hold (see heads/peer-probe.ts). Recorded with both signed heads; the
 * peer's head is not sealed (the ledger keeps one receipt per key, length and fork per batch).
 */
async function splitViewIncident (deps: SealerDeps, key: string, ours: Head, split: SplitView): Promise<Incident> {
  return await recordIncident(deps, {
    key,
    kind: 'fork',
    detectedAt: new Date().toISOString(),
    sealed: headToJson(ours),
    observed: headToJson(split.head),
    agreed: split.agreed,
    evidence: {
      source: 'seal-pass peer head probe',
      peer: split.peer,
      reason: `Two signatures by this core's key for length ${split.head.length}, fork ${split.head.fork}, over different trees: the key signed two histories.`
    }
  })
}
