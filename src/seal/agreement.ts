/**
 * Where two signed histories of one core part: an incident's `agreed` field. Both heads are
 * proven to hold the same tree at `length` when the roots of `length` fold, with each side's
 * own additional nodes (Hypercore upgrade-proof nodes), into that head's signed tree hash:
 *
 *   foldRoots(length, roots, sealedNodes)   → the tree of `sealed`   (its treeHash, its length)
 *   foldRoots(length, roots, observedNodes) → the tree of `observed` (its treeHash, its length)
 *
 * A node's hash commits to every block under it, so equal root hashes at equal indexes mean
 * blocks 0..length-1 are the same in both histories (sizes only ride along: a node's size is
 * bound by its own hash). `length` 0 proves nothing and carries no nodes. The agreement is a
 * lower bound of the real divergence point: it is as fine as the nodes the detector held.
 *
 * The sealed side may instead be an earlier sealed head of the same core (`sealedHead`, signed by
 * the writer: its signature is the caller's to check): the sealer checked every seal of a history
 * against the one before, so an earlier seal that the observed history still holds is where the
 * two histories are proven to agree, even when the nodes inside the later seal's tree are gone.
 */
import { foldRoots, MAX_ADDITIONAL, MAX_ROOTS, rootIndexes, treeHashOf, TreeFault, type TreeNode } from './hypercore-tree'
import { canonicalHeadJson } from './head-json'
import type { HeadJson } from './types'

export interface TreeNodeJson {
  index: number
  /** Byte size of the blocks under the node. */
  size: number
  /** 64 lowercase hex characters. */
  hash: string
}

export interface Agreement {
  /** Both signed histories hold the same blocks 0..length-1 (0: nothing is proven). */
  length: number
  /** The roots of `length`, left to right: the shared tree. */
  roots: TreeNodeJson[]
  /** Nodes growing `roots` into the sealed head's tree (or into `sealedHead`'s). */
  sealedNodes: TreeNodeJson[]
  /** Nodes growing `roots` into the observed head's tree. */
  observedNodes: TreeNodeJson[]
  /** An earlier sealed head of the core that stands for the sealed side (absent: the incident's sealed head). */
  sealedHead?: HeadJson
}

/** No agreement proven: what an incident without an `agreed` field means. */
export const NO_AGREEMENT: Agreement = Object.freeze({ length: 0, roots: [], sealedNodes: [], observedNodes: [] }) as Agreement

const HEX32 = /^[0-9a-f]{64}$/

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isUint (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

export function treeNodeToJson (node: TreeNode): TreeNodeJson {
  return { index: node.index, size: node.size, hash: node.hash.toString('hex') }
}

/** Nodes already checked (by `checkRoots` or `checkAgreement`) back to tree nodes. */
export function treeNodesFromJson (nodes: readonly TreeNodeJson[]): TreeNode[] {
  return nodes.map((n) => ({ index: n.index, size: n.size, hash: Buffer.from(n.hash, 'hex') }))
}

function nodesFromJson (value: unknown, where: string, max: number): TreeNode[] {
  if (!Array.isArray(value) || value.length > max) throw new TreeFault(`${where} must be an array of at most ${max} nodes`)
  return value.map((n, i) => {
    if (!isRecord(n) || !isUint(n.index) || !isUint(n.size) || typeof n.hash !== 'string' || !HEX32.test(n.hash)) {
      throw new TreeFault(`${where}[${i}] is not { index, size, hash: 64 lowercase hex }`)
    }
    return { index: n.index, size: n.size, hash: Buffer.from(n.hash, 'hex') }
  })
}

function foldsInto (length: number, roots: TreeNode[], nodes: TreeNode[], head: HeadJson, side: string): void {
  const tree = foldRoots(length, roots, nodes)
  if (tree.length !== head.length || treeHashOf(tree.roots).toString('hex') !== head.treeHash) {
    throw new TreeFault(`the shared roots do not grow into the ${side} head's signed tree (length ${head.length})`)
  }
}

/** An earlier sealed head standing for the sealed side: well-formed, of the same core, no longer than the sealed head. */
function earlierHead (value: unknown, sealed: HeadJson): HeadJson {
  let head: HeadJson
  try {
    head = canonicalHeadJson(value)
  } catch (err) {
    throw new TreeFault(`sealedHead is not a head (${(err as Error).message})`)
  }
  if (head.key !== sealed.key) throw new TreeFault('sealedHead is of another core')
  if (head.length > sealed.length) throw new TreeFault('sealedHead is longer than the sealed head')
  return head
}

/**
 * The roots of a head's own length, left to right, as a receipt entry keeps them: exactly the
 * root indexes of `head.length`, hashing (treeHash) to the head's signed tree hash. With them
 * the sealed tree stays checkable, and provable to others, without any peer.
 */
export function checkRoots (value: unknown, head: Pick<HeadJson, 'length' | 'treeHash'>): { ok: true, roots: TreeNodeJson[] } | { ok: false, reason: string } {
  try {
    const roots = nodesFromJson(value, 'roots', MAX_ROOTS)
    const expected = rootIndexes(head.length)
    if (roots.length !== expected.length || roots.some((n, i) => n.index !== expected[i])) {
      throw new TreeFault(`they must be the roots of length ${head.length} (indexes ${expected.join(', ')})`)
    }
    if (treeHashOf(roots).toString('hex') !== head.treeHash) throw new TreeFault(`they do not hash to the tree hash of the head at length ${head.length}`)
    return { ok: true, roots: roots.map(treeNodeToJson) }
  } catch (err) {
    if (err instanceof TreeFault) return { ok: false, reason: `the roots are not valid: ${err.message}` }
    throw err
  }
}

export type AgreementCheck = { ok: true, agreement: Agreement } | { ok: false, reason: string }

/**
 * Checks an untrusted agreement against two heads (whose signatures the caller has checked).
 * `undefined` is no agreement (length 0), for incidents recorded before the field existed.
 */
export function checkAgreement (value: unknown, sealed: HeadJson, observed: HeadJson): AgreementCheck {
  if (value === undefined) return { ok: true, agreement: NO_AGREEMENT }
  try {
    if (!isRecord(value) || !isUint(value.length)) throw new TreeFault('it is not { length, roots, sealedNodes, observedNodes }')
    const length = value.length
    if (length > Math.min(sealed.length, observed.length)) throw new TreeFault(`length ${length} is beyond one of the heads`)
    const roots = nodesFromJson(value.roots, 'roots', MAX_ROOTS)
    const sealedNodes = nodesFromJson(value.sealedNodes, 'sealedNodes', MAX_ADDITIONAL)
    const observedNodes = nodesFromJson(value.observedNodes, 'observedNodes', MAX_ADDITIONAL)
    if (length === 0) {
      if (roots.length + sealedNodes.length + observedNodes.length > 0) throw new TreeFault('length 0 carries no nodes')
      return { ok: true, agreement: NO_AGREEMENT }
    }
    const expected = rootIndexes(length)
    if (roots.length !== expected.length || roots.some((n, i) => n.index !== expected[i])) {
      throw new TreeFault(`roots must be the roots of length ${length} (indexes ${expected.join(', ')})`)
    }
    const sealedSide = value.sealedHead === undefined ? sealed : earlierHead(value.sealedHead, sealed)
    foldsInto(length, roots, sealedNodes, sealedSide, 'sealed')
    foldsInto(length, roots, observedNodes, observed, 'observed')
    return {
      ok: true,
      agreement: {
        length,
        roots: roots.map(treeNodeToJson),
        sealedNodes: sealedNodes.map(treeNodeToJson),
        observedNodes: observedNodes.map(treeNodeToJson),
        ...(value.sealedHead === undefined ? {} : { sealedHead: sealedSide })
      }
    }
  } catch (err) {
    if (err instanceof TreeFault) return { ok: false, reason: `its agreement proof is not valid: ${err.message}` }
    throw err
  }
}
