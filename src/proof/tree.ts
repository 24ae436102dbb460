/**
 * Blocks proven inside a Hypercore tree. A block's leaf node and the roots of a length:
 *
 *   leaf(i)  = { index: 2i, size: byteLength(data), hash: H(0x00 ‖ u64(byteLength) ‖ data) }
 *   parent   = src/seal hypercore-tree.ts `parentNode`;  treeHash = `treeHashOf(roots of length)`
 *
 * (hypercore-crypto `data`, `parent`, `tree`; BLAKE2b-256, u64 little-endian.) A record proof
 * carries some blocks of one core and the fewest tree nodes that, with the blocks' leaves, build
 * every root of the sealed length: for each root, the root itself when no proven block is under
 * it, else its two children the same way, down to the blocks. Folding them gives the sealed tree
 * hash only if every block is exactly the one the writer signed at that position.
 */
import * as flat from 'flat-tree'
import sodium from 'sodium-native'
import { buildRoots, MAX_TREE_LENGTH, rootIndexes, treeHashOf, TreeFault, type TreeNode } from '../seal'

const LEAF_TYPE = Buffer.from([0x00])

export function leafNode (index: number, data: Uint8Array): TreeNode {
  const size = Buffer.alloc(8)
  size.writeBigUInt64LE(BigInt(data.byteLength))
  const hash = Buffer.alloc(32)
  sodium.crypto_generichash_batch(hash, [LEAF_TYPE, size, Buffer.from(data.buffer, data.byteOffset, data.byteLength)])
  return { index: 2 * index, size: data.byteLength, hash }
}

export interface ProvenBlock { index: number, data: Uint8Array }

/**
 * The tree hash at `length` built from `blocks` and `nodes`, or a TreeFault: a block at or past
 * `length`, a node outside the tree, one given twice, one missing, or one left over (a node above
 * a block would hide the block from the fold, so every leaf and node must be used).
 */
export function treeHashFromBlocks (length: number, blocks: readonly ProvenBlock[], nodes: readonly TreeNode[]): Buffer {
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_TREE_LENGTH) throw new TreeFault(`length ${length} is out of range`)
  const given = new Map<number, TreeNode>()
  const add = (n: TreeNode, what: string): void => {
    if (given.has(n.index)) throw new TreeFault(`${what} ${n.index} appears twice`)
    if (flat.rightSpan(n.index) / 2 >= length) throw new TreeFault(`${what} ${n.index} lies past length ${length}`)
    given.set(n.index, n)
  }
  for (const b of blocks) {
    if (!Number.isSafeInteger(b.index) || b.index < 0 || b.index >= length) throw new TreeFault(`block ${b.index} is not below length ${length}`)
    add(leafNode(b.index, b.data), 'block leaf')
  }
  for (const n of nodes) add(n, 'node')
  const roots = buildRoots(length, given, (index) => `node ${index} is not on the path from the blocks to the roots`)
  return treeHashOf(roots)
}

/**
 * Which node indexes a proof of `blocks` at `length` must carry (the prover's side of the fold
 * above): for each root, itself if no block is under it, else its children the same way.
 */
export function proofNodeIndexes (length: number, blocks: readonly number[]): number[] {
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_TREE_LENGTH) throw new TreeFault(`length ${length} is out of range`)
  const leaves = [...new Set(blocks)].sort((a, b) => a - b)
  const anyUnder = (index: number): boolean => {
    const lo = flat.leftSpan(index) / 2
    const hi = flat.rightSpan(index) / 2
    // leaves is sorted: the first leaf ≥ lo decides.
    let a = 0
    let b = leaves.length
    while (a < b) {
      const mid = (a + b) >> 1
      if (leaves[mid] < lo) a = mid + 1
      else b = mid
    }
    return a < leaves.length && leaves[a] <= hi
  }
  const out: number[] = []
  const walk = (index: number): void => {
    if (!anyUnder(index)) { out.push(index); return }
    if (index % 2 === 0) return
    walk(flat.leftChild(index))
    walk(flat.rightChild(index))
  }
  for (const root of rootIndexes(length)) walk(root)
  return out
}
