/**
 * Where two signed histories of a core part (an incident's `agreed`, seal/agreement.ts),
 * computed from what the service holds. Each side is a prover of its own head's tree:
 *
 * - `rootsProver`: a head known by the roots of some length plus the nodes that grow them into
 *   the head (a sealed head's roots kept with its receipt; a conflict proof's `upgrade`). Its
 *   first j roots are the roots of their combined length, so it proves exactly those lengths.
 * - `replicaProver`: a Hypercore session holding the history (our replica, or a throwaway
 *   replica of the peer that presented it): any length up to its head, from the tree nodes it
 *   stores, fetching block n−1 (whose Merkle path carries them) when they are missing.
 *
 * Histories that hold the same blocks 0..n−1 hold the same blocks below n, so agreement is
 * monotone and the longest common provable length is found by binary search over the lengths
 * both sides can prove. A step either side cannot prove before the deadline counts as "not
 * proven": the answer is then a lower bound, never more than what is proven. Every agreement
 * returned passes `checkAgreement` against both heads; nodes that do not fold into a head's
 * signed tree (e.g. stale ones) are never used.
 */
import * as flat from 'flat-tree'
import type Hypercore from 'hypercore'
import type { UpgradeProof } from 'hypercore'
import { checkAgreement, NO_AGREEMENT, treeNodeToJson, type Agreement, type HeadJson, type TreeNode } from '../seal'

export interface TreeProof {
  /** The roots of the proven length, left to right. */
  roots: TreeNode[]
  /** Nodes growing them into the prover's head. */
  additional: TreeNode[]
}

export interface Prover {
  /** The lengths it can prove, ascending; 'any' is every length from 1 to its head's. */
  lengths: number[] | 'any'
  prove (length: number, deadline: number): Promise<TreeProof | null>
}

interface RawNode { index: number, size: number, hash: Uint8Array }

export function toTreeNode (node: RawNode): TreeNode {
  return { index: node.index, size: node.size, hash: Buffer.from(node.hash) }
}

/** A head known by the roots of some length (left to right) and the nodes growing them into it. */
export function rootsProver (roots: readonly TreeNode[], extra: readonly TreeNode[] = []): Prover {
  const lengths = roots.map((r) => flat.rightSpan(r.index) / 2 + 1)
  return {
    lengths,
    async prove (length) {
      const j = lengths.indexOf(length)
      if (j < 0) return null
      return { roots: roots.slice(0, j + 1), additional: [...roots.slice(j + 1), ...extra] }
    }
  }
}

/** A session holding the history: proves any length up to its current head. */
export function replicaProver (core: Hypercore): Prover {
  const upgrade = async (length: number): Promise<TreeProof> => {
    const proof = await core.proof({ upgrade: { start: 0, length } }) as UpgradeProof
    if (!proof.upgrade) throw new Error('no upgrade in the proof')
    return { roots: proof.upgrade.nodes.map(toTreeNode), additional: proof.upgrade.additionalNodes.map(toTreeNode) }
  }
  return {
    lengths: 'any',
    async prove (length, deadline) {
      const fork = core.fork
      if (length < 1 || length > core.length || core.closed) return null
      try {
        return await upgrade(length)
      } catch {
        // The roots of `length` are not stored: block length-1 and its Merkle path bring them.
      }
      const left = deadline - Date.now()
      if (left <= 0) return null
      try {
        await core.get(length - 1, { timeout: left })
        const proof = await upgrade(length)
        return core.fork === fork ? proof : null
      } catch {
        return null
      }
    }
  }
}

export interface Side {
  head: HeadJson
  prover: Prover
}

/** The lengths both provers can prove up to `max`, ascending, without listing 'any' × 'any'. */
function candidates (a: Prover['lengths'], b: Prover['lengths'], max: number): { count: number, at: (i: number) => number } {
  if (a === 'any' && b === 'any') return { count: max, at: (i) => i + 1 }
  const listed = a === 'any' ? b as number[] : b === 'any' ? a : a.filter((n) => b.includes(n))
  const within = listed.filter((n) => n >= 1 && n <= max)
  return { count: within.length, at: (i) => within[i] }
}

const sameNodes = (a: TreeNode[], b: TreeNode[]): boolean =>
  a.length === b.length && a.every((n, i) => n.index === b[i].index && n.size === b[i].size && n.hash.equals(b[i].hash))

async function agreeAt (length: number, sealed: Side, observed: Side, deadline: number): Promise<Agreement | null> {
  const [s, o] = await Promise.all([sealed.prover.prove(length, deadline), observed.prover.prove(length, deadline)])
  if (s === null || o === null || !sameNodes(s.roots, o.roots)) return null
  const check = checkAgreement({
    length,
    roots: s.roots.map(treeNodeToJson),
    sealedNodes: s.additional.map(treeNodeToJson),
    observedNodes: o.additional.map(treeNodeToJson)
  }, sealed.head, observed.head)
  return check.ok ? check.agreement : null
}

/** The longest length both heads are proven to share, by `deadline` (ms since the epoch). */
export async function findAgreement (sealed: Side, observed: Side, deadline: number): Promise<Agreement> {
  const list = candidates(sealed.prover.lengths, observed.prover.lengths, Math.min(sealed.head.length, observed.head.length))
  let best = NO_AGREEMENT
  let lo = 0
  let hi = list.count - 1
  while (lo <= hi && Date.now() < deadline) {
    const mid = (lo + hi) >> 1
    const found = await agreeAt(list.at(mid), sealed, observed, deadline)
    if (found !== null) {
      best = found
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return best
}
