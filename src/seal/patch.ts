/**
 * A quorum signature's patch. A signer whose signature covers a longer tree than the head
 * (length + patch) still counts towards the quorum when the blob's nodes grow the head's tree
 * into the tree it signed (hypercore 11 verifier.js `generateUpgrade`, then merkle-tree.js
 * `verifyUpgrade`). Hypercore picks from the blob, by flat-tree index, the nodes that tile blocks
 * length..length+patch-1; other nodes in the blob are ignored (they serve other signers). We
 * compute the same indexes with flat-tree and fold them with `foldRoots`, independently of
 * Hypercore's code.
 */
import * as flat from 'flat-tree'
import { foldRoots, MAX_TREE_LENGTH, rootIndexes, treeHashOf, TreeFault, type TreeNode } from './hypercore-tree'

/**
 * The indexes of the nodes that, beside the roots of `from`, make the roots of `to`: for a root
 * of `to` that is not a root of `from`, either the root itself (it lies right of block from-1)
 * or, for the root that holds block from-1, the right siblings on the path up from that block.
 */
export function upgradeIndexes (from: number, to: number): number[] {
  const out: number[] = []
  for (const root of rootIndexes(to)) {
    if (flat.rightSpan(root) < 2 * from) continue // a root of `from` too
    if (flat.leftSpan(root) >= 2 * from) {
      out.push(root)
      continue
    }
    for (let i = 2 * (from - 1); i !== root; i = flat.parent(i)) {
      const sibling = flat.sibling(i)
      if (sibling > i) out.push(sibling)
    }
  }
  return out
}

/**
 * The tree a patched signature signs: the head's roots grown by `patch` blocks with the blob's
 * nodes. Throws TreeFault when a node is missing or does not fit.
 */
export function patchedTree (length: number, roots: readonly TreeNode[], nodes: ReadonlyMap<number, TreeNode>, patch: number): { length: number, treeHash: Buffer } {
  const to = length + patch
  if (!(to <= MAX_TREE_LENGTH)) throw new TreeFault(`a patch of ${patch} blocks reaches past any possible length`)
  const additional = upgradeIndexes(length, to).map((index) => {
    const node = nodes.get(index)
    if (node === undefined) throw new TreeFault(`it lacks node ${index} to grow the tree from length ${length} to ${to}`)
    return node
  })
  const grown = foldRoots(length, roots, additional)
  if (grown.length !== to) throw new TreeFault(`its nodes grow the tree to length ${grown.length}, not ${to}`)
  return { length: to, treeHash: treeHashOf(grown.roots) }
}
