/** The seal-pass bench's results (one child process per size) and how they are printed and judged. */
import type { SealPhase } from '../../src/sealer'
import { mb, MB, ms, num, printTable, secs, type Check } from './measure'

const TARGET_SIZE = 10_000
const TARGET_MS = 10_000
const TARGET_RSS = 1024 * MB
const PHASES: SealPhase[] = ['recover', 'collect', 'build', 'journal', 'chain', 'receipts']

export interface PassResult {
  name: string
  leaves: number
  wallMs: number
  /** CPU time of the process during the pass (user + system), all threads. */
  cpuMs: number
  sentMs: number
  phases: Record<string, number>
  /** Peak RSS and heap during each phase. */
  phaseMemory: Record<string, { rss: number, heap: number }>
  calls: Record<string, { calls: number, ms: number }>
  rssBefore: number
  peakRss: number
  peakHeap: number
  gas: string
  transactions: number
  receiptsOk: boolean
}

export interface SizeResult {
  n: number
  setupMs: number
  createMs: number
  watchMs: number
  maxRss: number
  passes: PassResult[]
}

export function report (sizes: SizeResult[]): void {
  const rows = sizes.flatMap((s) => s.passes.map((p) => ({ s, p })))
  console.log('')
  printTable(
    ['cores N', 'pass', 'heads', 'wall (total)', 'until tx sent', 'after send', 'CPU', 'RSS at start', 'peak RSS', 'peak heap', 'gas', 'txs', 'receipts'],
    rows.map(({ s, p }) => [
      num(s.n), p.name, num(p.leaves), ms(p.wallMs), ms(p.sentMs), ms(p.wallMs - p.sentMs), ms(p.cpuMs), mb(p.rssBefore), mb(p.peakRss), mb(p.peakHeap),
      num(BigInt(p.gas)), String(p.transactions), p.receiptsOk ? 'ok' : 'BAD'
    ]),
    [1]
  )
  console.log('\nphases: time (onPhase) and peak RSS / heap used during the phase')
  printTable(['cores N', 'pass', ...PHASES], rows.map(({ s, p }) => [num(s.n), p.name, ...PHASES.map((ph) => {
    const m = p.phaseMemory[ph]
    return `${ms(p.phases[ph] ?? 0)}${m ? ` ${num(m.rss / MB)}/${num(m.heap / MB)} MB` : ''}`
  })]), [1])
  console.log('\ncalls inside the pass (total ms / calls; concurrent calls overlap, so totals can exceed the wall time)')
  const names = [...new Set(rows.flatMap(({ p }) => Object.keys(p.calls)))].sort()
  printTable(['call', ...rows.map(({ s, p }) => `${num(s.n)} ${p.name}`)],
    names.map((name) => [name, ...rows.map(({ p }) => (p.calls[name] ? `${num(p.calls[name].ms)} / ${num(p.calls[name].calls)}` : '-'))]))
  console.log('\nsetup (not measured in the pass)')
  printTable(['cores N', 'create cores', 'watch (journal + watcher)', 'setup total', 'process peak RSS (kernel)'],
    sizes.map((s) => [num(s.n), secs(s.createMs), secs(s.watchMs), secs(s.setupMs), mb(s.maxRss)]))
}

export function checks (sizes: SizeResult[]): Check[] {
  const out: Check[] = []
  for (const s of sizes) {
    for (const p of s.passes) {
      out.push({ ok: p.transactions === 1, text: `${num(s.n)} cores, ${p.name} pass: ${p.transactions} seal transaction(s) (sealCount before/after), expected 1` })
      out.push({ ok: p.receiptsOk, text: `${num(s.n)} cores, ${p.name} pass: sampled receipts (first, middle, last core) are in the log and check` })
      if (s.n !== TARGET_SIZE) continue
      out.push({ ok: p.wallMs <= TARGET_MS, text: `${num(s.n)} cores, ${p.name} pass: ${secs(p.wallMs)} <= ${secs(TARGET_MS)} (until the transaction was sent: ${secs(p.sentMs)})` })
    }
    if (s.n === TARGET_SIZE) {
      out.push({ ok: s.maxRss <= TARGET_RSS, text: `${num(s.n)} cores: peak RSS of the whole run (setup and both passes) ${mb(s.maxRss)} <= ${mb(TARGET_RSS)}` })
    }
  }
  return out
}
