import type Hypercore from 'hypercore'
import type { ConflictProof } from 'hypercore'
import { headToJson, NO_AGREEMENT, verifyHeadSignature, type Agreement, type Head, type Incident, type TreeNode } from '../seal'
import { findAgreement, rootsProver, toTreeNode } from './agreement'
import { conflictRemoteHead, conflictTreeHash, toJsonSafe } from './conflict-proof'
import type { CoreRecord } from './core-record'
import { readHead, readHeadAndRoots, readVerifiedHead } from './head-read'
import { errInfo, type HeadsLogger } from './logger'
import { checkCorePrefix } from './prefix'

export type IncidentSink = (incident: Incident) => void | Promise<void>

export interface ObserverDeps {
  log: HeadsLogger
  onIncident: IncidentSink
  /** Bound on the block fetch a truncate's prefix check may need. */
  checkTimeoutMs: number
}

/**
 * A weak session on a watched core for as long as Corestore holds the core open — because a
 * pass or a verify uses it, or because a peer replicates it (a writer dialling in, a peer
 * opening the core's channel: Corestore opens a stored core on demand). Weak: it does not keep
 * the core open or make it download, so it costs nothing once the core is idle; Hypercore
 * closes it with the core. It keeps the core's record current (the head the replica holds, so
 * a pass knows the core changed) and turns Hypercore's `truncate` and `conflict` events into
 * incidents. Hypercore forgets a conflict's frozen state on restart, so evidence goes to the
 * sink at once.
 */
export class CoreObserver {
  /** The newest verified signed head seen on the core while it was open. */
  lastHead: Head | null = null
  private closing = false

  constructor (readonly record: CoreRecord, readonly session: Hypercore, private readonly deps: ObserverDeps) {
    session.on('append', () => this.onAppend())
    session.on('truncate', (ancestors, forkId) => this.onTruncate(ancestors, forkId))
    session.on('conflict', (length, fork, proof) => this.onConflict(length, fork, proof))
    session.once('close', () => {
      if (record.observer === this) record.observer = null
    })
    session.ready().then(() => this.read(), () => {})
  }

  /** Reads the head the session holds into the record; the verified head, or null. */
  private read (): Head | null {
    if (this.session.closed) return null
    const head = readHead(this.session)
    this.record.noteHead(head?.length ?? 0, head?.fork ?? 0)
    if (head === null) return null
    try {
      verifyHeadSignature(head)
    } catch {
      return null
    }
    this.lastHead = head
    return head
  }

  private onAppend (): void {
    this.read()
  }

  private onTruncate (ancestors: number, forkId: number): void {
    // Hypercore has already moved the session to the new signed head when it emits this.
    const before = this.lastHead
    const after = this.read()
    this.deps.log.info({ key: this.record.hex, truncatedTo: ancestors, fork: forkId }, 'core truncated')
    if (before === null || after === null || ancestors >= before.length) return
    void this.reportTruncate(before, after, ancestors, forkId)
  }

  /**
   * A truncate below a head we held is reported as `rewind`. `ancestors` is only a lower bound
   * on a sparse replica (Hypercore knows the common prefix only as far as the tree nodes it
   * holds), so when the new head is at least as long as the held one the prefix is checked
   * first and an unchanged tree is not reported. This is a hint: rewind is defined against a
   * *sealed* length, and the seal pass makes the final call with its own prefix check.
   */
  private async reportTruncate (before: Head, after: Head, truncatedTo: number, forkId: number): Promise<void> {
    let prefixCheck = 'shorter'
    if (after.length >= before.length) {
      try {
        const result = await checkCorePrefix(this.session, before, { timeoutMs: this.deps.checkTimeoutMs })
        if (result.status === 'ok' || result.status === 'behind') return
        prefixCheck = result.status
      } catch (err) {
        prefixCheck = `unavailable (${errInfo(err).code ?? 'error'})`
      }
    }
    this.emit({
      key: this.record.hex,
      kind: 'rewind',
      detectedAt: new Date().toISOString(),
      sealed: headToJson(before),
      observed: headToJson(after),
      evidence: { source: 'hypercore-truncate', truncatedTo, fork: forkId, prefixCheck }
    })
  }

  private onConflict (length: number, fork: number, proof: ConflictProof): void {
    const record = this.record
    record.conflictSeen = true
    // Read everything now: Hypercore closes every session of the core right after this event.
    const core = this.session
    const local = readVerifiedHead(core) ?? this.lastHead
    const manifest = core.getManifest({ raw: true }) ?? local?.manifest ?? null
    const remote = manifest === null ? null : conflictRemoteHead(Buffer.from(record.hex, 'hex'), manifest, proof)
    const remoteAtLength = conflictTreeHash(proof)
    const evidence = {
      source: 'hypercore-conflict',
      conflictLength: length,
      conflictFork: fork,
      ...(remoteAtLength !== null ? { remoteTreeHashAtConflictLength: remoteAtLength.toString('hex') } : {}),
      proof: toJsonSafe(proof)
    }
    const id = `${length}:${fork}:${proof.upgrade?.signature.toString('hex') ?? ''}`
    record.conflicts ??= new Set()
    if (record.conflicts.has(id)) return
    record.conflicts.add(id)
    if (local === null || remote === null) {
      // No pair of verified heads to file as an incident; keep the proof in the log at least.
      this.deps.log.error({ key: record.hex, evidence }, 'conflict detected but its heads could not be rebuilt')
      return
    }
    const detectedAt = new Date().toISOString()
    const agreed = conflictAgreement(local, localRoots(core, local), remote, proof)
    void agreed.then((a) => this.emit({ key: record.hex, kind: 'fork', detectedAt, sealed: headToJson(local), observed: headToJson(remote), agreed: a, evidence }))
  }

  private emit (incident: Incident): void {
    this.deps.log.warn({ key: incident.key, kind: incident.kind }, 'incident detected')
    try {
      const done = this.deps.onIncident(incident)
      if (done instanceof Promise) done.catch((err: unknown) => this.deps.log.error({ err: errInfo(err) }, 'incident sink failed'))
    } catch (err) {
      this.deps.log.error({ err: errInfo(err) }, 'incident sink failed')
    }
  }

  async close (): Promise<void> {
    if (this.closing) return
    this.closing = true
    if (this.record.observer === this) this.record.observer = null
    await this.session.close().catch(() => {})
  }
}

/** The roots of our head at the conflict, read before Hypercore closes the session; null if it moved. */
function localRoots (core: Hypercore, local: Head): TreeNode[] | null {
  try {
    const read = readHeadAndRoots(core)
    return read !== null && read.head.length === local.length && read.head.treeHash.equals(local.treeHash) ? read.roots : null
  } catch {
    return null
  }
}

/**
 * Where our history and the conflicting one part, from what the conflict leaves in hand: our
 * head's roots, and the proof's roots at the conflict length with the nodes to the other head.
 * No block is fetched (a fetch could meet the other history again); a lower bound.
 */
async function conflictAgreement (local: Head, roots: TreeNode[] | null, remote: Head, proof: ConflictProof): Promise<Agreement> {
  if (roots === null || proof.upgrade === null) return NO_AGREEMENT
  const other = rootsProver(proof.upgrade.nodes.map(toTreeNode), (proof.upgrade.additionalNodes ?? []).map(toTreeNode))
  return await findAgreement({ head: headToJson(local), prover: rootsProver(roots) }, { head: headToJson(remote), prover: other }, Number.POSITIVE_INFINITY)
}
