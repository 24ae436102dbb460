/**
 * Blocks of a replica proven inside one sealed tree: the receipt of the earliest seal of the
 * replica's own history that covers them, the blocks' bytes, and the tree nodes src/proof needs
 * (`proofNodeIndexes`), read from Hypercore's own proofs (`core.proof({ block, upgrade })` gives a
 * block's uncles up to its root of the upgrade length, and the other roots of that length).
 */
import type Hypercore from 'hypercore'
import type { TreeNode as CoreNode } from 'hypercore'
import { proofNodeIndexes, type PartRole, type ProofPart, type ProvenBlock } from '../proof'
import type { Receipt } from '../seal'
import { StructureError } from './errors'

/** What a proof of one core is made from: a session of its replica and its receipts (any order). */
export interface ProofSource {
  core: Hypercore
  receipts: readonly Receipt[]
  timeoutMs: number
}

export async function readBlock (core: Hypercore, index: number, timeoutMs: number): Promise<Buffer> {
  let data: Buffer | null = null
  try {
    data = await core.get(index, { timeout: timeoutMs })
  } catch (err) {
    throw new StructureError('BLOCK_UNAVAILABLE', `Block ${index} of core ${core.key.toString('hex')} is not stored here and no peer sent it within ${timeoutMs} ms (or the writer cleared it before it was copied).`, { cause: err })
  }
  if (data === null) throw new StructureError('BLOCK_UNAVAILABLE', `Block ${index} of core ${core.key.toString('hex')} is not available.`)
  return data
}

/**
 * The earliest seal (lowest chain block, then the shortest head) of length ≥ `minLength` whose
 * tree the replica holds: a seal of a history the writer later rewound does not prove the
 * replica's blocks.
 */
export async function earliestCovering (source: ProofSource, minLength: number): Promise<Receipt> {
  const candidates = source.receipts
    .filter((r) => r.head.length >= minLength && r.head.length <= source.core.length)
    .sort((a, b) => a.seal.blockNumber - b.seal.blockNumber || a.head.length - b.head.length)
  for (const r of candidates) {
    await readBlock(source.core, r.head.length - 1, source.timeoutMs)
    if ((await source.core.treeHash(r.head.length)).toString('hex') === r.head.treeHash) return r
  }
  const hex = source.core.key.toString('hex')
  throw new StructureError('NOT_SEALED', `No seal of core ${hex}'s current history covers length ${minLength} yet; run a seal pass (or wait for the next) and ask again.`)
}

/** One part of a record proof: `indexes`' blocks proven at the receipt's sealed length. */
export async function provePart (source: ProofSource, role: PartRole, receipt: Receipt, indexes: readonly number[], known?: ReadonlyMap<number, Buffer>): Promise<ProofPart> {
  const length = receipt.head.length
  const sorted = [...new Set(indexes)].sort((a, b) => a - b)
  const blocks: ProvenBlock[] = []
  for (const index of sorted) blocks.push({ index, data: known?.get(index) ?? await readBlock(source.core, index, source.timeoutMs) })
  const wanted = new Set(proofNodeIndexes(length, sorted))
  const found = new Map<number, CoreNode>()
  for (const index of sorted) {
    if ([...wanted].every((i) => found.has(i))) break
    const proof = await source.core.proof({ block: { index, nodes: 0 }, upgrade: { start: 0, length } }) as { block: { nodes: CoreNode[] } | null, upgrade: { nodes: CoreNode[] } | null }
    for (const n of [...(proof.block?.nodes ?? []), ...(proof.upgrade?.nodes ?? [])]) if (wanted.has(n.index)) found.set(n.index, n)
  }
  const nodes = [...wanted].map((i) => {
    const n = found.get(i)
    if (n === undefined) throw new StructureError('BLOCK_UNAVAILABLE', `Tree node ${i} of core ${source.core.key.toString('hex')} at length ${length} is not stored here.`)
    return { size: n.size, hash: Buffer.from(n.hash) }
  })
  return { role, receipt, blocks, nodes }
}
