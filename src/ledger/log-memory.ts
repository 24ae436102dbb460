/**
 * Three answers the log this process writes keeps in memory, beside its seal summaries
 * (seal-summaries.ts), so that a verify and the API's lists skip the reads whose answer is
 * nearly always "none" (issue 11 item 7: a request costs what it asks, not what the log holds;
 * each skipped read was a B-tree walk, one level deeper for every ~7 times the entries):
 *
 * - the roots the chain forgot and a later batch sealed again (`reseal!`; usually none);
 * - the cores with an incident (`incident!<key>!…`; only cores whose writer forked or rewound);
 * - the last batch a later anchor covers (`anchor-mark!<name>!<throughSeq>`; -1 before any):
 *   a receipt of a later batch has no later anchor yet (anchor-records.ts), so is served as it is.
 *
 * Each is loaded at its first use by reads bounded by what it holds (one walk per resealed root,
 * per core with incidents, per anchor name), never by the log's size. Every write of these keys
 * goes through this process (the data directory is locked), and each write drops the answer it
 * may change, whether it succeeded or not: the next use reads it again. A load that a write
 * overtook is dropped by that write too, as it started before the drop.
 */
import { latestMark } from './anchor-records'
import { LedgerError } from './errors'
import * as K from './keys'
import type { LedgerBee } from './ledger-bee'

export class LogMemory {
  private resealed: Promise<ReadonlySet<string>> | null = null
  private incidentCores: Promise<ReadonlySet<string>> | null = null
  private anchored: Promise<number> | null = null

  constructor (private readonly bee: LedgerBee) {}

  async resealedRoots (): Promise<ReadonlySet<string>> {
    this.resealed ??= this.load(async () => await readResealedRoots(this.bee), () => { this.resealed = null })
    return await this.resealed
  }

  /** Whether the core has any incident recorded (the key as hex). */
  async hasIncidents (key: string): Promise<boolean> {
    this.incidentCores ??= this.load(async () => new Set(await distinctNames(this.bee, 'incident!')), () => { this.incidentCores = null })
    return (await this.incidentCores).has(key)
  }

  /** The greatest batch seq any later anchor covers; -1 before the first anchor. */
  async anchoredThrough (): Promise<number> {
    this.anchored ??= this.load(async () => {
      let through = -1
      for (const name of await distinctNames(this.bee, 'anchor-mark!')) through = Math.max(through, (await latestMark(this.bee, name))?.throughSeq ?? -1)
      return through
    }, () => { this.anchored = null })
    return await this.anchored
  }

  /** A batch was written (or its write failed): its reseal entries may be new. */
  wroteBatch (): void { this.resealed = null }
  /** An incident was written (or its write failed). */
  wroteIncident (): void { this.incidentCores = null }
  /** An anchor was written (or its write failed). */
  wroteAnchor (): void { this.anchored = null }

  /** A load that fails is not kept: the next use tries again. */
  private load<T> (read: () => Promise<T>, drop: () => void): Promise<T> {
    const loading = read()
    loading.catch(drop)
    return loading
  }
}

/** Roots whose batch the chain forgot and a later batch sealed again, read from the log. */
export async function readResealedRoots (bee: LedgerBee): Promise<ReadonlySet<string>> {
  return new Set((await bee.range(K.prefixRange('reseal!'))).map((e) => e.key.slice('reseal!'.length)))
}

/**
 * The distinct names after `prefix` in keys `<prefix><name>!…`: one walk per name, each
 * starting past the previous name's keys (names hold no `!` and sort below K.END).
 */
async function distinctNames (bee: LedgerBee, prefix: string): Promise<string[]> {
  const names: string[] = []
  for (let gte = prefix; ;) {
    const [next] = await bee.range({ gte, lt: prefix + K.END, limit: 1 })
    if (next === undefined) return names
    const end = next.key.indexOf(K.SEP, prefix.length)
    if (end <= prefix.length) throw new LedgerError('CORRUPT_ENTRY', `The ledger entry ${next.key.slice(0, 120)} names nothing after ${prefix}; the data directory was damaged or tampered with.`)
    const name = next.key.slice(prefix.length, end)
    names.push(name)
    gte = `${prefix}${name}${K.SEP}${K.END}`
  }
}
