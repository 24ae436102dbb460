/**
 * What a seal pass asks first of every core it looks at — its most recent seal and the greatest
 * length it ever sealed — kept in memory by the log that writes the seals (issue 11 item 7).
 *
 * Reading a core's seals is a B-tree walk of the receipts log: with 100,000 cores it was most
 * of a pass over 10,000 changed ones (four fifths of the probes' time in a profile), and the
 * record-high read of each sealed core (seal-index.ts) walked again inside the write. Every seal
 * is written by this process, under the log's write lock, so a summary learned from one read
 * (or from the write itself) stays true until the next write, which updates it. A core whose
 * summary is not known is read as before, and learned.
 *
 * A summary learned from a read that a write overtook is dropped (the generation moved); a write
 * that fails forgets every summary (what it left on disk is not known). Bounded: past
 * MAX_CORES the oldest learned go first.
 */

/** A core's most recent seal (highest batch seq; the first of that batch in key order). */
export interface SealRef {
  length: number
  fork: number
  /** Hex, as in the receipt's head. */
  treeHash: string
  batch: number
  /** Its batch's Merkle root and block time (seconds): what a list of cores shows of the last seal, without reading it. */
  root: string
  sealedAt: number
  /**
   * The batch sealed more than one head of the core (a fork, or a rewind caught in one pass):
   * which of them a reader wants depends on its question, so it reads the index instead.
   */
  several: boolean
}

/** A core's most recent seal as a list of cores shows it (`ReceiptsLog.lastSeal`); `sealedAt` in seconds. */
export type LastSeal = Pick<SealRef, 'length' | 'fork' | 'root' | 'sealedAt'>

export interface SealSummary {
  /** Null when the core has no seal. */
  latest: SealRef | null
  /** The greatest length sealed (0 when none): a head longer than it has no receipt yet. */
  maxLength: number
}

/** About 250 bytes a core (a batch's root string is shared by its cores): 100,000 watched cores cost ~25 MB. */
const MAX_CORES = 1_000_000

export class SealSummaries {
  private readonly byCore = new Map<string, SealSummary>()
  private gen = 0

  /** Changes with every write of seals: a read taken before it may be out of date. */
  get generation (): number { return this.gen }

  get (key: string): SealSummary | undefined {
    return this.byCore.get(key)
  }

  /** A summary read from the log while the generation was `generation`. */
  learn (key: string, summary: SealSummary, generation: number): void {
    if (generation !== this.gen) return
    this.byCore.delete(key)
    this.byCore.set(key, summary)
    if (this.byCore.size > MAX_CORES) this.byCore.delete(this.byCore.keys().next().value as string)
  }

  /** A new batch `seq` was written with these seals, sealed as `seal` says (one root string for all): the summaries known are brought up to date. */
  wrote (seq: number, seals: ReadonlyArray<{ key: string, length: number, fork: number, treeHash: string }>, seal?: { root: string, timestamp: number }): void {
    this.gen++
    if (seal === undefined) return // a batch of no seals
    // The first seal of each core in key order (length, then fork) is the batch's latest of it.
    const sorted = [...seals].sort((a, b) => a.length - b.length || a.fork - b.fork)
    const seen = new Set<string>()
    for (const s of sorted) {
      const known = this.byCore.get(s.key)
      if (known === undefined) continue
      const latest: SealRef | null = seen.has(s.key)
        ? (known.latest === null ? null : { ...known.latest, several: true })
        : { length: s.length, fork: s.fork, treeHash: s.treeHash, batch: seq, root: seal.root, sealedAt: seal.timestamp, several: false }
      seen.add(s.key)
      this.byCore.set(s.key, { latest, maxLength: Math.max(known.maxLength, s.length) })
    }
  }

  /** A write failed: nothing known is trusted any more. */
  forget (): void {
    this.gen++
    this.byCore.clear()
  }
}
