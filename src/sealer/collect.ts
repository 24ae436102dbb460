/**
 * The first half of a pass: capture every watched core's head, skip the unchanged ones, and
 * check each changed head against the core's last sealed head. A rewind or fork becomes an
 * incident; the head is still sealed, marked as a contradiction (a sealed contradiction is
 * public evidence).
 */
import { headToJson, type Head, type HeadJson, type Incident, type IncidentKind } from '../seal'
import type { ReceiptEntry, ReceiptsLog } from '../ledger'
import { errInfo } from '../util'
import type { SealerDeps } from './deps'

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
async function lastSealed (log: ReceiptsLog, key: string): Promise<ReceiptEntry | null> {
  let last: ReceiptEntry | null = null
  for (const entry of await log.receipts(key)) {
    if (last === null || entry.batch > last.batch) last = entry
  }
  return last
}

export async function collectHeads (deps: SealerDeps): Promise<Collected> {
  const out: Collected = { candidates: [], skipped: [], incidents: [] }
  for (const { key } of await deps.journal.listWatched()) {
    let head: Head
    try {
      head = await deps.watcher.captureHead(key)
    } catch (err) {
      out.skipped.push({ key, reason: errInfo(err).message })
      deps.logger.warn({ key, err: errInfo(err) }, 'no head captured; the core is left for the next pass')
      continue
    }
    const json = headToJson(head)
    if (await alreadySealed(deps.log, json)) {
      out.skipped.push({ key, reason: `unchanged since its seal at length ${head.length}` })
      continue
    }
    const last = await lastSealed(deps.log, key)
    if (last === null) {
      out.candidates.push({ head })
      continue
    }
    const sealed = last.receipt.head
    const prefix = await deps.watcher.checkPrefix(key, { length: sealed.length, fork: sealed.fork, treeHash: sealed.treeHash })
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
        observed: json,
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
 * Appends the incident unless the log already holds one of the same kind for the same pair of
 * heads (a pass that failed after detecting it runs again on the next tick).
 */
async function recordIncident (deps: SealerDeps, incident: Incident): Promise<Incident> {
  const known = await deps.log.listIncidents({ key: incident.key })
  const same = known.find((i) => i.kind === incident.kind && sameHead(i.sealed, incident.sealed) && sameHead(i.observed, incident.observed))
  if (same !== undefined) return same
  await deps.log.appendIncident(incident)
  deps.metrics?.incidents.inc({ kind: incident.kind })
  deps.logger.error({ key: incident.key, kind: incident.kind, sealedLength: incident.sealed.length, observedLength: incident.observed.length },
    `${incident.kind.toUpperCase()} detected: the writer's history no longer matches its seal`)
  return incident
}
