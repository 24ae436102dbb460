import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { ConflictProof } from 'hypercore'
import { headToJson, NO_AGREEMENT, type Agreement, type Head, type Incident, type TreeNode } from '../seal'
import { findAgreement, rootsProver, toTreeNode } from './agreement'
import { conflictRemoteHead, conflictTreeHash, toJsonSafe } from './conflict-proof'
import { readHeadAndRoots, readVerifiedHead } from './head-read'
import { errInfo, type HeadsLogger } from './logger'
import { checkCorePrefix } from './prefix'

export type IncidentSink = (incident: Incident) => void | Promise<void>

export interface WatchedCoreDeps {
  store: Corestore
  log: HeadsLogger
  onIncident: IncidentSink
  /** Bound on the block fetch a truncate's prefix check may need. */
  checkTimeoutMs: number
}

/**
 * One watched core: its sparse session, the peers it was given, the last signed head we saw,
 * and the listeners that turn Hypercore's `truncate` and `conflict` events into incidents.
 * Hypercore forgets a conflict's frozen state on restart, so evidence goes to the sink at once.
 */
export class WatchedCore {
  readonly hex: string
  readonly peers = new Set<string>()
  core: Hypercore
  ready: Promise<void>
  /** The newest verified signed head captured or seen (append events) on this core. */
  lastHead: Head | null = null
  /** Set once Hypercore proved two signed histories for this key; prefix checks then say `fork`. */
  conflictSeen = false
  private readonly conflictsReported = new Set<string>()
  private closing = false

  constructor (readonly key: Buffer, private readonly deps: WatchedCoreDeps) {
    this.hex = key.toString('hex')
    this.core = this.open()
    this.ready = this.core.ready()
  }

  // Default store.get options: the session is sparse (it downloads only what is asked for:
  // heads, and tree nodes with the one block a tree hash at an old length needs).
  private open (): Hypercore {
    const core = this.deps.store.get({ key: this.key })
    core.on('append', () => this.onAppend(core))
    core.on('truncate', (ancestors, forkId) => this.onTruncate(core, ancestors, forkId))
    core.on('conflict', (length, fork, proof) => this.onConflict(core, length, fork, proof))
    core.on('close', () => this.onClose(core))
    return core
  }

  noteHead (head: Head): void {
    this.lastHead = head
  }

  private onAppend (core: Hypercore): void {
    const head = readVerifiedHead(core)
    if (head !== null) this.lastHead = head
  }

  private onTruncate (core: Hypercore, ancestors: number, forkId: number): void {
    // Hypercore has already moved the session to the new signed head when it emits this.
    const before = this.lastHead
    const after = readVerifiedHead(core)
    if (after !== null) this.lastHead = after
    this.deps.log.info({ key: this.hex, truncatedTo: ancestors, fork: forkId }, 'core truncated')
    if (before === null || after === null || ancestors >= before.length) return
    void this.reportTruncate(core, before, after, ancestors, forkId)
  }

  /**
   * A truncate below a head we held is reported as `rewind`. `ancestors` is only a lower bound
   * on a sparse replica (Hypercore knows the common prefix only as far as the tree nodes it
   * holds), so when the new head is at least as long as the held one the prefix is checked
   * first and an unchanged tree is not reported. This is a hint: rewind is defined against a
   * *sealed* length, and the seal pass makes the final call with its own prefix check.
   */
  private async reportTruncate (core: Hypercore, before: Head, after: Head, truncatedTo: number, forkId: number): Promise<void> {
    let prefixCheck = 'shorter'
    if (after.length >= before.length) {
      try {
        const result = await checkCorePrefix(core, before, { timeoutMs: this.deps.checkTimeoutMs })
        if (result.status === 'ok' || result.status === 'behind') return
        prefixCheck = result.status
      } catch (err) {
        prefixCheck = `unavailable (${errInfo(err).code ?? 'error'})`
      }
    }
    this.emit({
      key: this.hex,
      kind: 'rewind',
      detectedAt: new Date().toISOString(),
      sealed: headToJson(before),
      observed: headToJson(after),
      evidence: { source: 'hypercore-truncate', truncatedTo, fork: forkId, prefixCheck }
    })
  }

  private onConflict (core: Hypercore, length: number, fork: number, proof: ConflictProof): void {
    this.conflictSeen = true
    // Read everything now: Hypercore closes every session of the core right after this event.
    const local = readVerifiedHead(core) ?? this.lastHead
    const manifest = core.getManifest({ raw: true }) ?? local?.manifest ?? null
    const remote = manifest === null ? null : conflictRemoteHead(this.key, manifest, proof)
    const remoteAtLength = conflictTreeHash(proof)
    const evidence = {
      source: 'hypercore-conflict',
      conflictLength: length,
      conflictFork: fork,
      ...(remoteAtLength !== null ? { remoteTreeHashAtConflictLength: remoteAtLength.toString('hex') } : {}),
      proof: toJsonSafe(proof)
    }
    const id = `${length}:${fork}:${proof.upgrade?.signature.toString('hex') ?? ''}`
    if (this.conflictsReported.has(id)) return
    this.conflictsReported.add(id)
    if (local === null || remote === null) {
      // No pair of verified heads to file as an incident; keep the proof in the log at least.
      this.deps.log.error({ key: this.hex, evidence }, 'conflict detected but its heads could not be rebuilt')
      return
    }
    const detectedAt = new Date().toISOString()
    const agreed = conflictAgreement(local, localRoots(core, local), remote, proof)
    void agreed.then((a) => this.emit({ key: this.hex, kind: 'fork', detectedAt, sealed: headToJson(local), observed: headToJson(remote), agreed: a, evidence }))
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

  /**
   * Hypercore closes all sessions of a core when it detects a conflict. Reopen (the frozen
   * flag is not reloaded) so the core stays watched; our conflict flag keeps the verdict.
   */
  private onClose (core: Hypercore): void {
    if (this.closing || core !== this.core || this.deps.store.closing) return
    this.deps.log.warn({ key: this.hex }, 'core session closed by Hypercore; reopening')
    this.core = this.open()
    this.ready = this.core.ready()
    this.ready.catch((err: unknown) => this.deps.log.error({ key: this.hex, err: errInfo(err) }, 'reopening the core failed'))
  }

  async close (): Promise<void> {
    this.closing = true
    await this.core.close().catch(() => {})
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
