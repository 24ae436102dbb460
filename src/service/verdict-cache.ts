import type { Verdict } from '../verify'

/** Enough for every version a busy dashboard polls; a verdict is a few kilobytes. */
const DEFAULT_ENTRIES = 4096

/**
 * Verdicts that cannot change while what they rest on is unchanged (issue 11 item 8: a warm
 * verify answers at HTTP speed). An entry is keyed by the core, the version and a *stamp* of
 * its inputs — the replica's length, fork and conflict state and the receipts log's length (new
 * receipts and incidents land there) — so any change to them misses. Only verdicts that no
 * later chain answer can alter are kept: not `invalid` (an RPC answer may be what failed), and
 * either with no seal checked or with a final one (a seal short of finality may still be
 * reorganised away). Least recently used entries leave first.
 */
export class VerdictCache {
  private readonly entries = new Map<string, Verdict>()

  constructor (private readonly max = DEFAULT_ENTRIES) {}

  get (key: string, version: number, stamp: string): Verdict | null {
    const id = `${key}:${version}:${stamp}`
    const hit = this.entries.get(id)
    if (hit === undefined) return null
    this.entries.delete(id)
    this.entries.set(id, hit)
    return hit
  }

  /** Keeps `verdict` when it is lasting (see above); `stamp` must be the inputs' stamp before *and* after it was computed. */
  set (key: string, version: number, stamp: string, verdict: Verdict): void {
    if (!lasting(verdict)) return
    const id = `${key}:${version}:${stamp}`
    this.entries.delete(id)
    this.entries.set(id, verdict)
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string)
  }

  get size (): number {
    return this.entries.size
  }
}

export function lasting (verdict: Verdict): boolean {
  return verdict.status !== 'invalid' && (verdict.sealedAt === null || verdict.final)
}
