/**
 * What the watcher reads on a watched core's session (session-pool.ts): each call holds the
 * session for as long as it reads, and notes the head it saw in the core's record.
 */
import { treeNodesFromJson, NO_AGREEMENT, type Agreement, type Head, type HeadJson, type TreeNode, type TreeNodeJson } from '../seal'
import { findAgreement, replicaProver, rootsProver } from './agreement'
import type { CoreRecord } from './core-record'
import { HeadsError } from './errors'
import { boundedUpdate, captureCoreHead } from './head-read'
import { holdBlock, timeLeft } from './hold'
import type { HeadsLogger } from './logger'
import { checkCorePrefix, parseSealedRef, readReplicaSnapshot, type PrefixResult, type SealedRef } from './prefix'
import { proofReplica, type ReplicaSource } from './replica-sources'
import type { SessionPool } from './session-pool'

export class CoreReads {
  constructor (private readonly pool: SessionPool, private readonly updateTimeoutMs: number, private readonly log: HeadsLogger) {}

  /**
   * The newest verified head after a bounded update from the peers, with the roots of its
   * length (read together with it). `deadline` (ms since the epoch) bounds the wait further;
   * `waitForPeers: false` does not wait for a peer to connect (a core known unreachable).
   */
  async capture (rec: CoreRecord, opts: { deadline?: number, waitForPeers?: boolean } = {}): Promise<{ head: Head, roots: TreeNode[] }> {
    return await this.pool.use(rec.hex, async (core) => {
      const wait = opts.deadline === undefined ? this.updateTimeoutMs : Math.min(this.updateTimeoutMs, timeLeft(opts.deadline, `update core ${rec.hex}`))
      try {
        const { head, roots, updated } = await captureCoreHead(core, { updateTimeoutMs: wait, waitForPeers: opts.waitForPeers })
        if (updated === 'timeout') this.log.warn({ key: rec.hex, length: head.length }, 'no newer head within the update timeout; captured the one held')
        rec.noteHead(head.length, head.fork)
        return { head, roots }
      } catch (err) {
        if (core.length === 0 && !core.closed) rec.noteHead(0, 0)
        throw err
      }
    })
  }

  /**
   * Makes sure the replica stores the last block of `head` (fetched from a peer by `deadline`),
   * so the tree at that length stays computable without any peer: true once it is held.
   * UPDATE_TIMEOUT when no peer sends it in time; with `failFast`, at once when no peer is
   * connected. False when the fetch met another history signed by the key (Hypercore proved a
   * conflict and closed the session): the peers answered, they disagree, and the fork is
   * recorded from the conflict proof.
   */
  async holdBlock (rec: CoreRecord, head: Pick<Head, 'length' | 'fork'>, opts: { deadline: number, failFast?: boolean }): Promise<boolean> {
    return await this.pool.use(rec.hex, async (core) => {
      if (core.fork !== head.fork || core.length < head.length) {
        throw new HeadsError('CORE_FAILED', `Core ${rec.hex} moved off the head at length ${head.length}, fork ${head.fork} while it was read; retry.`)
      }
      try {
        await holdBlock(core, head.length, { deadline: opts.deadline, failFast: opts.failFast === true })
        return true
      } catch (err) {
        if (err instanceof HeadsError && err.code === 'CORE_FAILED' && rec.conflictSeen) return false
        throw err
      }
    })
  }

  /**
   * Compares a sealed head with this replica (after a bounded update); see `checkCorePrefix`.
   * `deadline` bounds the update and the fetch of the block the check may need.
   */
  async checkPrefix (rec: CoreRecord, sealed: SealedRef, opts: { deadline?: number } = {}): Promise<PrefixResult> {
    parseSealedRef(sealed)
    return await this.pool.use(rec.hex, async (core) => {
      const bound = (): number => opts.deadline === undefined ? this.updateTimeoutMs : Math.min(this.updateTimeoutMs, timeLeft(opts.deadline, `check the seal of core ${rec.hex}`))
      await boundedUpdate(core, bound())
      return await checkCorePrefix(core, sealed, { timeoutMs: bound(), conflictSeen: rec.conflictSeen })
    })
  }

  /**
   * Where a sealed head and the replica's current head part (incidents' `agreed`): the sealed
   * side from the roots kept with its receipt, the current side from the replica. Length 0 when
   * nothing is proven by `deadline` (or the roots were not kept).
   */
  async agreement (rec: CoreRecord, sealed: { head: HeadJson, roots: TreeNodeJson[] | undefined }, observed: HeadJson, deadline: number): Promise<Agreement> {
    if (sealed.roots === undefined) return NO_AGREEMENT
    const roots = sealed.roots
    return await this.pool.use(rec.hex, async (core) =>
      await findAgreement({ head: sealed.head, prover: rootsProver(treeNodesFromJson(roots)) }, { head: observed, prover: replicaProver(core) }, deadline))
  }

  /**
   * The replica to verify against (src/evidence), after a bounded update from the peers: its head
   * now, then its own tree hashes at the lengths a verify plan names (read on the core's session
   * when asked: the head may have moved by then, which the evidence path checks).
   */
  async replicaSource (rec: CoreRecord): Promise<ReplicaSource> {
    const head = await this.pool.use(rec.hex, async (core) => {
      await boundedUpdate(core, this.updateTimeoutMs)
      rec.noteHead(core.state.length, core.state.fork)
      return { length: core.state.length, fork: core.state.fork }
    })
    return {
      head: () => head,
      view: async (lengths) => await this.pool.use(rec.hex, async (core) => {
        const v = await readReplicaSnapshot(core, lengths, { timeoutMs: this.updateTimeoutMs, conflictSeen: rec.conflictSeen })
        return { length: v.length, fork: v.fork, treeHash: v.treeHash ?? null, treeHashAt: (l: number) => v.treeHashes[l] }
      })
    }
  }

  /**
   * The replica as an untrusted verifier reads it (after a bounded update): its head, then
   * Hypercore upgrade proofs at the lengths asked (GET /v1/cores/:key/proofs, for the browser),
   * built on the core's session when asked.
   */
  async proofSource (rec: CoreRecord): Promise<ReplicaSource> {
    const timeoutMs = this.updateTimeoutMs
    const missing = (index: number): string => `No peer sent block ${index} of core ${rec.hex} within ${timeoutMs / 1000} s, so its tree there cannot be proven yet.`
    const head = await this.pool.use(rec.hex, async (core) => {
      await boundedUpdate(core, timeoutMs)
      rec.noteHead(core.state.length, core.state.fork)
      return { length: core.state.length, fork: core.state.fork }
    })
    return {
      head: () => head,
      view: async (lengths) => await this.pool.use(rec.hex, async (core) => await proofReplica(core, { timeoutMs, missing }).view(lengths))
    }
  }
}
