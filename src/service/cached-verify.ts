/**
 * The service's verify with its verdict cache (issue 11 item 8): a lasting verdict is kept under
 * a stamp naming every input it rests on, and answered again only while that stamp holds.
 */
import { keyHex } from '../heads'
import type { Verdict } from '../verify'
import type { StructureRegistry } from './structures'
import { VerdictCache } from './verdict-cache'
import type { VerifyDeps } from './verify-core'
import { verifyWatched } from './verify-structure'

/** Lowercase hex of 32 bytes: what keyHex returns, so the cache's own spelling of a key. */
const CANONICAL_HEX = /^[0-9a-f]{64}$/

export class CachedVerifier {
  /** Lasting verdicts by their inputs: a warm verify answers without reading the replica, ledger or chain. */
  private readonly verdicts = new VerdictCache()

  constructor (private readonly deps: VerifyDeps & { structures: StructureRegistry }) {}

  cached (key: string, version: number): Verdict | null {
    // The hot path of a warm verify: a key already in its canonical spelling is used as it is
    // (parsing it into bytes and back was most of a cache hit's time in a profile of the route).
    const hex = CANONICAL_HEX.test(key) ? key : keyHex(key)
    const stamp = this.stamp(hex)
    return stamp === null ? null : this.verdicts.get(hex, version, stamp)
  }

  async verify (key: string, version: number): Promise<Verdict> {
    const hex = keyHex(key)
    const before = this.stamp(hex)
    const verdict = await verifyWatched(this.deps, hex, version)
    // Kept only when nothing it rests on moved while it was computed: then the stamp names its inputs.
    if (before !== null && before === this.stamp(hex)) this.verdicts.set(hex, version, before, verdict)
    return verdict
  }

  /**
   * The inputs of a verify of `hex` as one string, or null when they cannot be named: what the
   * core is (a structure is known once its block 0 was read; until then a verify may still find
   * out, so nothing is kept), its replica's state, a drive's blobs replica's state (the blobs
   * length a version references is read from the db, whose state is in the stamp) and the
   * ledger's length (new receipts and incidents land there).
   */
  private stamp (hex: string): string | null {
    const { structures, watcher, log } = this.deps
    const structure = structures.peek(hex)
    const replica = watcher.replicaStamp(hex)
    // An Autobase's verdict rests on its system core's and views' replicas too: never kept.
    if (structure === undefined || replica === null || structure.kind === 'autobase') return null
    if (structure.kind !== 'hyperdrive') return `${structure.kind}:${replica}:${log.core.length}`
    const blobs = watcher.replicaStamp(structure.blobs)
    return blobs === null ? null : `${structure.kind}:${replica}:${blobs}:${log.core.length}`
  }
}
