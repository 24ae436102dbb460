/**
 * A batch: the heads of one seal pass in a StandardMerkleTree. The tree is built with
 * @openzeppelin/merkle-tree's own building blocks (sorted leaves, `makeMerkleTree`, index-based
 * `getProof`), so the root is StandardMerkleTree's root; we skip `StandardMerkleTree.of` only
 * because its generic leaf encoder and per-proof rehash make 10,000 heads take seconds.
 */
import { merkleCore } from './merkle-lib'
import { SealError } from './errors'
import { ensureHeadSignature } from './head-signature'
import { headFromJson, headToJson } from './head-json'
import { leafHash, leafOf, type Leaf } from './leaf'
import { receiptOf } from './receipt'
import type { Head, HeadJson, Receipt, SealInfo } from './types'

export interface Batch {
  /** 0x-hex StandardMerkleTree root. */
  readonly root: string
  readonly leafCount: number
  /** The heads, in the order given to buildBatch (index i everywhere below). */
  readonly heads: readonly Head[]
  /** The heads as JSON, taken in the same synchronous step as their signature checks (frozen). */
  readonly headsJson: readonly HeadJson[]
  readonly leaves: readonly Leaf[]
  /** 0x-hex leaf hashes, in the same order. */
  readonly leafHashes: readonly string[]
  /** The inclusion proof of head `index` (0x-hex nodes, leaf to root). */
  proofFor (index: number): string[]
  /** The v1 receipt of head `index`, once the root is sealed as `seal` describes. */
  receiptFor (index: number, seal: SealInfo): Receipt
}

/** What the journal stores: the heads only; the tree is recomputed and must give `root`. */
export interface BatchJson {
  v: 1
  root: string
  heads: HeadJson[]
}

/**
 * The batches buildBatch returned in this process. A batch is frozen and its `headsJson` are
 * frozen strings and numbers, so a batch in this set still holds exactly the heads whose
 * signatures were checked when it was built: `batchFromJson` may reuse it instead of checking
 * them again.
 */
const built = new WeakSet<Batch>()

/**
 * Builds the batch of `heads`. Every head must carry a valid writer signature (a receipt for
 * an unsigned head would be invalid forever; a head object this process verified, unchanged
 * since, is not checked twice), and no head may appear twice.
 */
export function buildBatch (heads: readonly Head[]): Batch {
  if (heads.length === 0) throw new SealError('EMPTY_BATCH', 'A batch needs at least one head; skip the seal when nothing changed.')

  const json = new Array<HeadJson>(heads.length)
  const hashes = heads.map((head, i) => {
    ensureHeadSignature(head)
    json[i] = Object.freeze(headToJson(head))
    return leafHash(head)
  })
  // Hashes are 0x + 64 lowercase hex, so string order is StandardMerkleTree's numeric order.
  const sorted = hashes.map((hash, index) => ({ hash, index })).sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].hash === sorted[i - 1].hash) {
      const dup = heads[sorted[i].index]
      throw new SealError('DUPLICATE_LEAF', `The head ${dup.key.toString('hex')} at length ${dup.length}, fork ${dup.fork} is in the batch twice; pass each head once.`)
    }
  }

  const { getProof, makeMerkleTree } = merkleCore()
  const tree = makeMerkleTree(sorted.map(({ hash }) => hash))
  const treeIndex = new Array<number>(heads.length)
  sorted.forEach(({ index }, position) => { treeIndex[index] = tree.length - 1 - position })
  const root = tree[0]
  const frozen = Object.freeze([...heads])

  function checkIndex (index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= frozen.length) {
      throw new SealError('BAD_INDEX', `There is no head ${index} in this batch of ${frozen.length}.`)
    }
  }

  const batch: Batch = Object.freeze({
    root,
    leafCount: frozen.length,
    heads: frozen,
    headsJson: Object.freeze(json),
    leaves: Object.freeze(frozen.map(leafOf)),
    leafHashes: Object.freeze(hashes),
    proofFor (index: number): string[] {
      checkIndex(index)
      return getProof(tree, treeIndex[index])
    },
    receiptFor (index: number, seal: SealInfo): Receipt {
      checkIndex(index)
      if (seal.root !== root || seal.leafCount !== frozen.length) {
        throw new SealError('SEAL_MISMATCH', `The seal is for root ${seal.root} with ${seal.leafCount} leaves, not this batch (${root}, ${frozen.length}).`)
      }
      return receiptOf(headToJson(frozen[index]), seal, getProof(tree, treeIndex[index]))
    }
  })
  built.add(batch)
  return batch
}

export function batchToJson (batch: Batch): BatchJson {
  return { v: 1, root: batch.root, heads: batch.heads.map(headToJson) }
}

/** Exactly the same JSON head: the six fields equal and no other field. */
function sameHeadJson (verified: HeadJson, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length !== 6) return false
  const v = value as Record<string, unknown>
  return v.key === verified.key && v.length === verified.length && v.fork === verified.fork &&
    v.treeHash === verified.treeHash && v.signature === verified.signature && v.manifest === verified.manifest
}

/**
 * Rebuilds a batch from the journal; the recomputed root must be the recorded one.
 * `reuse` is a batch the caller built in this process for the same heads: when it was made
 * by buildBatch here and has exactly `json`'s root and heads, in order, it is returned as is
 * (rebuilding it would give the same batch; its signatures were checked when it was built).
 */
export function batchFromJson (json: unknown, reuse?: Batch): Batch {
  const bad = (why: string, cause?: unknown): SealError =>
    new SealError('BAD_BATCH', `The stored batch cannot be rebuilt: ${why}.`, { cause })
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('it is not a JSON object')
  const { v, root, heads, ...rest } = json as Record<string, unknown>
  if (Object.keys(rest).length > 0) throw bad(`unknown field ${Object.keys(rest).join(', ')}`)
  if (v !== 1) throw bad(`version ${String(v)} is not 1`)
  if (typeof root !== 'string' || !/^0x[0-9a-f]{64}$/.test(root)) throw bad('root must be 0x and 64 lowercase hex characters')
  if (!Array.isArray(heads)) throw bad('heads must be an array')
  if (reuse !== undefined && built.has(reuse) && reuse.root === root && reuse.headsJson.length === heads.length &&
    reuse.headsJson.every((head, i) => sameHeadJson(head, heads[i]))) {
    return reuse
  }

  let batch: Batch
  try {
    batch = buildBatch(heads.map(headFromJson))
  } catch (err) {
    throw bad((err as Error).message, err)
  }
  if (batch.root !== root) throw bad(`its heads give root ${batch.root}, not the recorded ${root}`)
  return batch
}
