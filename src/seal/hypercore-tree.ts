/**
 * Hypercore's Merkle tree hashes, said once (hypercore-crypto 3 `parent` and `tree`; see
 * research/hypercore-internals.md §1). BLAKE2b-256, u64 little-endian, with type prefixes so a
 * parent can never pass for a tree hash (or a leaf):
 *
 *   parent   = H(0x01 ‖ u64(sizeL + sizeR) ‖ hashL ‖ hashR)          (L = the lower index)
 *   treeHash = H(0x02 ‖ for each root, left to right: hash ‖ u64(index) ‖ u64(size))
 *
 * Node indexes are flat-tree indexes: leaf i is 2i, and a node spans the leaves under it.
 */
import * as flat from 'flat-tree'
import sodium from 'sodium-native'

export interface TreeNode {
  index: number
  /** Byte size of the blocks under the node. */
  size: number
  hash: Buffer
}

const PARENT_TYPE = Buffer.from([0x01])
const ROOT_TYPE = Buffer.from([0x02])

function u64 (n: number): Buffer {
  const out = Buffer.alloc(8)
  out.writeBigUInt64LE(BigInt(n))
  return out
}

export function parentNode (index: number, a: TreeNode, b: TreeNode): TreeNode {
  const [left, right] = a.index < b.index ? [a, b] : [b, a]
  const size = left.size + right.size
  const hash = Buffer.alloc(32)
  sodium.crypto_generichash_batch(hash, [PARENT_TYPE, u64(size), left.hash, right.hash])
  return { index, size, hash }
}

export function treeHashOf (roots: readonly TreeNode[]): Buffer {
  const parts: Buffer[] = [ROOT_TYPE]
  for (const root of roots) parts.push(root.hash, u64(root.index), u64(root.size))
  const out = Buffer.alloc(32)
  sodium.crypto_generichash_batch(out, parts)
  return out
}

/** Flat-tree indexes are 2·length, and must stay safe integers. */
export const MAX_TREE_LENGTH = Math.floor(Number.MAX_SAFE_INTEGER / 4)
// A tree of at most 2^51 leaves has at most 51 roots; growing it adds at most 51 + 51 nodes.
export const MAX_ROOTS = 64
export const MAX_ADDITIONAL = 128

/** A flaw in untrusted tree nodes; callers turn it into their own result. */
export class TreeFault extends Error {}

/** The roots of `length`, left to right, as flat-tree indexes. */
export function rootIndexes (length: number): number[] {
  return flat.fullRoots(2 * length)
}

/**
 * Hypercore's upgrade fold: the roots of `length` plus `additional` nodes that tile blocks
 * length..B-1 (siblings that grow the last roots, then the roots of B to their right) give the
 * roots of B. Throws TreeFault for duplicated nodes, nodes overlapping blocks 0..length-1,
 * nodes left over and nodes missing. Independent of Hypercore's own code (lib/merkle-tree.js).
 */
export function foldRoots (length: number, roots: readonly TreeNode[], additional: readonly TreeNode[]): { length: number, roots: TreeNode[] } {
  const given = new Map<number, TreeNode>()
  for (const n of [...roots, ...additional]) {
    if (given.has(n.index)) throw new TreeFault(`node ${n.index} appears twice`)
    given.set(n.index, n)
  }
  let head = length
  for (const n of additional) {
    if (flat.leftSpan(n.index) / 2 < length) throw new TreeFault(`additional node ${n.index} overlaps blocks 0..${length - 1}`)
    const end = flat.rightSpan(n.index) / 2 + 1
    if (!(end <= MAX_TREE_LENGTH)) throw new TreeFault(`additional node ${n.index} lies beyond any possible length`)
    head = Math.max(head, end)
  }

  const out = buildRoots(head, given, (index) => `node ${index} overlaps another node of the tree at length ${head}`)
  return { length: head, roots: out }
}

/**
 * The roots of `length` from `given` nodes (by flat-tree index): a given node is taken as it is,
 * one not given is its children's parent when some given node lies under it. Every given node
 * must be used (`leftOver` says why one was not); throws TreeFault otherwise.
 */
export function buildRoots (length: number, given: ReadonlyMap<number, TreeNode>, leftOver: (index: number) => string): TreeNode[] {
  // Flat-tree is in-order: the nodes under `index` are exactly the indexes in its span. A binary
  // search over the sorted indexes keeps a proof of many nodes O(n log n).
  const sorted = [...given.keys()].sort((a, b) => a - b)
  const givenUnder = (index: number): boolean => {
    const lo = flat.leftSpan(index)
    let a = 0
    let b = sorted.length
    while (a < b) {
      const mid = (a + b) >> 1
      if (sorted[mid] < lo) a = mid + 1
      else b = mid
    }
    // `index` itself is not given (else it is taken as it is), so the first at or past lo decides.
    return a < sorted.length && sorted[a] <= flat.rightSpan(index)
  }
  const used = new Set<number>()
  const build = (index: number): TreeNode => {
    const found = given.get(index)
    if (found !== undefined) {
      used.add(index)
      return found
    }
    if (index % 2 === 0 || !givenUnder(index)) throw new TreeFault(`node ${index} of the tree at length ${length} is missing`)
    const parent = parentNode(index, build(flat.leftChild(index)), build(flat.rightChild(index)))
    if (!Number.isSafeInteger(parent.size)) throw new TreeFault(`node ${index} has an impossible byte size`)
    return parent
  }
  const out = rootIndexes(length).map(build)
  const unused = [...given.keys()].filter((i) => !used.has(i))
  if (unused.length > 0) throw new TreeFault(leftOver(unused[0]))
  return out
}
