/**
 * The first half of a pass: capture every watched core's head, skip the unchanged ones, and
 * check each changed head against the core's last sealed head. A rewind or fork becomes an
 * incident; the head is still sealed, marked as a contradiction (a sealed contradiction is
 * public evidence).
 */
import { headToJson, type Head, type HeadJson, type Incident, type IncidentKind } from '../seal'
import type { PrefixResult } from '../heads'
import type { ReceiptEntry, ReceiptsLog, ReceiptsView } from '../ledger'
import { errInfo } from '../util'
import type { SealerDeps } from './deps'
import { mapLimit } from './map-limit'

export interface Candidate {
  head: Head
  contradicts?: IncidentKind
}

export interface Collected {
  candidates: Candidate[]
  skipped: Array<{ key: string, reason: string }>
  incidents: Incident[]
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
 * Cores probed at once. A probe mostly waits (tree nodes from storage, a peer's newer head),
 * so probes overlap; their results are then taken one by one in watch order, so the outcome
 * (and the incidents written) is what probing one at a time gives.
 */
const PROBE_CONCURRENCY = 16
/**
 * Watched cores whose seals come from one read of the receipts log. Watched keys and receipt
 * keys share one order, so a chunk is one range: far fewer B-tree walks than one per core.
 */
const READ_CHUNK = 256

/** What a core's probe found; `failed` holds an error the pass throws when it reaches the core. */
type Probe =
  | { kind: 'no-head', key: string, err: unknown }
  | { kind: 'unchanged', key: string, head: Head }
  | { kind: 'first', key: string, head: Head }
  | { kind: 'checked', key: string, head: Head, last: ReceiptEntry, prefix: PrefixResult }
  | { kind: 'failed', key: string, err: unknown }

/** The core's seals, or why the log read that holds them failed. */
type SealsRead = { view: ReceiptsView } | { err: unknown }

/** Captures the core's head and compares it with its last seal; reads only, writes nothing. */
async function probe (deps: SealerDeps, key: string, seals: SealsRead): Promise<Probe> {
  let head: Head
  try {
    head = await deps.watcher.captureHead(key)
  } catch (err) {
    return { kind: 'no-head', key, err }
  }
  try {
    if ('err' in seals) throw seals.err
    // The core's seals answer both questions: alreadySealed, then lastSealed.
    const json = headToJson(head)
    if (seals.view.at(json.length).some((e) => sameHead(e.receipt.head, json))) return { kind: 'unchanged', key, head }
    const last = lastSealed(seals.view.all())
    if (last === null) return { kind: 'first', key, head }
    const sealed = last.receipt.head
    const prefix = await deps.watcher.checkPrefix(key, { length: sealed.length, fork: sealed.fork, treeHash: sealed.treeHash })
    return { kind: 'checked', key, head, last, prefix }
  } catch (err) {
    return { kind: 'failed', key, err }
  }
}

/**
 * The seals of a chunk of cores in one read. If that read fails (a damaged log), they are read
 * core by core, so that only the cores whose own seals cannot be read fail, as before.
 */
async function readSeals (deps: SealerDeps, chunk: string[]): Promise<SealsRead[]> {
  try {
    return (await deps.log.receiptsViews(chunk)).map((view) => ({ view }))
  } catch {
    return await mapLimit(chunk, 1, (key) => deps.log.receiptsViews([key]).then(([view]): SealsRead => ({ view }), (err: unknown): SealsRead => ({ err })))
  }
}

async function probeAll (deps: SealerDeps, keys: string[]): Promise<Probe[]> {
  const probes: Probe[] = []
  for (let i = 0; i < keys.length; i += READ_CHUNK) {
    const chunk = keys.slice(i, i + READ_CHUNK)
    const reads = await readSeals(deps, chunk)
    probes.push(...await mapLimit(chunk.map((key, j) => ({ key, seals: reads[j] })), PROBE_CONCURRENCY, ({ key, seals }) => probe(deps, key, seals)))
  }
  return probes
}

export async function collectHeads (deps: SealerDeps): Promise<Collected> {
  const out: Collected = { candidates: [], skipped: [], incidents: [] }
  const probes = await probeAll(deps, (await deps.journal.listWatched()).map((w) => w.key))
  for (const p of probes) {
    const { key } = p
    if (p.kind === 'failed') throw p.err
    if (p.kind === 'no-head') {
      out.skipped.push({ key, reason: errInfo(p.err).message })
      deps.logger.warn({ key, err: errInfo(p.err) }, 'no head captured; the core is left for the next pass')
      continue
    }
    const head = p.head
    const split = await splitViewIncident(deps, key, head)
    if (split !== null) out.incidents.push(split)
    if (p.kind === 'unchanged') {
      out.skipped.push({ key, reason: `unchanged since its seal at length ${head.length}` })
      continue
    }
    if (p.kind === 'first') {
      out.candidates.push({ head })
      continue
    }
    const { last, prefix } = p
    const sealed = last.receipt.head
    if (prefix.status === 'ok') {
      out.candidates.push({ head })
    } else if (prefix.status === 'behind') {
      out.skipped.push({ key, reason: `the replica (length ${prefix.replica.length}) is behind its last seal (length ${sealed.length})` })
    } else {
      const incident = await recordIncident(deps, {
        key,
        kind: prefix.status,
        detectedAt: new Date().toISOString(),
        sealed,
        observed: headToJson(head),
        evidence: {
          source: 'seal-pass prefix check',
          reason: prefix.reason,
          sealedIn: { root: last.receipt.seal.root, txHash: last.receipt.seal.txHash, blockNumber: last.receipt.seal.blockNumber },
          replica: { length: prefix.replica.length, fork: prefix.replica.fork },
          ...(prefix.treeHashAtSealed ? { treeHashAtSealedLength: prefix.treeHashAtSealed.toString('hex') } : {}),
          ...(prefix.conflictSeen ? { hypercoreConflict: true } : {})
        }
      })
      out.incidents.push(incident)
      out.candidates.push({ head, contradicts: prefix.status })
    }
  }
  return out
}

/**
 * A fork that the shared replica cannot see: a peer signing another tree for the same length
 * and fork as the head we hold (see heads/peer-probe.ts). Recorded with both signed heads; the
 * peer's head is not sealed (the ledger keeps one receipt per key, length and fork per batch).
 */
async function splitViewIncident (deps: SealerDeps, key: string, ours: Head): Promise<Incident | null> {
  for (const { peer, head } of await deps.watcher.peerHeads(key)) {
    if (head.length !== ours.length || head.fork !== ours.fork || head.treeHash.equals(ours.treeHash)) continue
    return await recordIncident(deps, {
      key,
      kind: 'fork',
      detectedAt: new Date().toISOString(),
      sealed: headToJson(ours),
      observed: headToJson(head),
      evidence: {
        source: 'seal-pass peer head probe',
        peer,
        reason: `Two signatures by this core's key for length ${head.length}, fork ${head.fork}, over different trees: the key signed two histories.`
      }
    })
  }
  return null
}

/**
 * Appends the incident unless the log already holds one of the same kind for the same pair of
 * heads (a pass that failed after detecting it runs again on the next tick).
 */
async function recordIncident (deps: SealerDeps, incident: Incident): Promise<Incident> {
  const known = await deps.log.listIncidents({ key: incident.key })
  // A fork has no direction: the same two heads seen the other way round are the same fork.
  const samePair = (i: Incident): boolean => (sameHead(i.sealed, incident.sealed) && sameHead(i.observed, incident.observed)) ||
    (incident.kind === 'fork' && sameHead(i.sealed, incident.observed) && sameHead(i.observed, incident.sealed))
  const same = known.find((i) => i.kind === incident.kind && samePair(i))
  if (same !== undefined) return same
  await deps.log.appendIncident(incident)
  deps.metrics?.incidents.inc({ kind: incident.kind })
  deps.logger.error({ key: incident.key, kind: incident.kind, sealedLength: incident.sealed.length, observedLength: incident.observed.length },
    `${incident.kind.toUpperCase()} detected: the writer's history no longer matches its seal`)
  return incident
}
