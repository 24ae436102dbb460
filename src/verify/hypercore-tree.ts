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
