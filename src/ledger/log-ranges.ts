import type { LazyEntry } from './ledger-bee'

/**
 * The entries of a range read that fall in [gte, lt), found by binary search. Hyperbee orders
 * keys by their UTF-8 bytes; against bounds that are ASCII, as every bound here is,
 * JavaScript's string order gives the same answers (a non-ASCII character sorts after every
 * ASCII one in both orders), so `key >= bound` holds for a suffix of the entries.
 */
export function slice (entries: LazyEntry[], { gte, lt }: { gte: string, lt: string }): LazyEntry[] {
  const firstAtLeast = (bound: string): number => {
    let lo = 0
    let hi = entries.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (entries[mid].key >= bound) hi = mid
      else lo = mid + 1
    }
    return lo
  }
  const from = firstAtLeast(gte)
  return entries.slice(from, Math.max(from, firstAtLeast(lt)))
}
