/**
 * How many of a pass's changed heads go into its batch. The receipts log keeps a batch's record,
 * every leaf (the signed head) with it, as one Hyperbee value, and Hypercore refuses to append a
 * block over 15 MiB (`MAX_SUGGESTED_BLOCK_SIZE`): a batch of ~33,000 default heads (~470 bytes of
 * JSON each) would be sealed on chain and then never written, and every later pass would fail
 * settling it. So a batch takes heads up to BATCH_LEAF_BYTES of leaf JSON (about 17,000 default
 * heads); the others stay pending, not settled, and the next pass (a schedule tick later) takes
 * them first: the cut resumes after the last key it kept, so cores that change every pass cannot
 * keep the others out. Nothing is dropped: a head left out is read again, as it is then.
 */
import { headToJson, type Head } from '../seal'

/** Leaf JSON a batch takes at most: half of Hypercore's 15 MiB block, for the record's own fields and margin. */
export const BATCH_LEAF_BYTES = 8 * 1024 * 1024

export interface Cut<T> {
  kept: T[]
  /** Left for a later pass (in the order they would be taken). */
  left: T[]
  /** Where the next cut resumes: the last key kept, when anything was left out; else null. */
  resumeAfter: string | null
}

/** The JSON size of a head as a leaf of the batch record. */
export function leafBytes (head: Head): number {
  return Buffer.byteLength(JSON.stringify(headToJson(head)))
}

/**
 * Takes items, in key order starting after `resumeAfter` and wrapping around, while their sizes
 * fit in `limit` (at least one is always taken: a single head never comes near the limit).
 */
export function cutBatch<T> (items: readonly T[], keyOf: (item: T) => string, sizeOf: (item: T) => number, resumeAfter: string | null, limit = BATCH_LEAF_BYTES): Cut<T> {
  const sorted = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const start = resumeAfter === null ? 0 : sorted.findIndex((e) => e.key > resumeAfter)
  const ordered = start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)]
  let bytes = 0
  let i = 0
  for (; i < ordered.length; i++) {
    const size = sizeOf(ordered[i].item)
    if (i > 0 && bytes + size > limit) break
    bytes += size
  }
  return {
    kept: ordered.slice(0, i).map((e) => e.item),
    left: ordered.slice(i).map((e) => e.item),
    resumeAfter: i < ordered.length ? ordered[i - 1].key : null
  }
}
