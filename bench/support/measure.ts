/**
 * Shared bench helpers: medians, a peak-memory sampler, number formatting, plain tables and
 * PASS/FAIL lines. Benches print with console.log and set process.exitCode on a failed target.
 */
import { availableParallelism, cpus, loadavg } from 'node:os'

export const MB = 1024 * 1024

export function median (values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export const num = (n: number | bigint, digits = 0): string =>
  Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

export const mb = (bytes: number): string => `${num(bytes / MB)} MB`
export const ms = (millis: number, digits = 0): string => `${num(millis, digits)} ms`
export const secs = (millis: number): string => `${num(millis / 1000, 2)} s`

/**
 * Peak RSS and heap over a stretch of work. A timer samples every `intervalMs`, but a loop of
 * awaits that resolve as microtasks never lets a timer fire, so hot loops also call `sample()`.
 */
export class MemorySampler {
  peakRss = 0
  peakHeap = 0
  /** Peaks since the last `mark()`. */
  private spanRss = 0
  private spanHeap = 0
  private timer: NodeJS.Timeout | null = null

  start (intervalMs = 20): this {
    this.sample()
    this.timer = setInterval(() => this.sample(), intervalMs)
    return this
  }

  sample (): void {
    const { rss, heapUsed } = process.memoryUsage()
    if (rss > this.peakRss) this.peakRss = rss
    if (heapUsed > this.peakHeap) this.peakHeap = heapUsed
    if (rss > this.spanRss) this.spanRss = rss
    if (heapUsed > this.spanHeap) this.spanHeap = heapUsed
  }

  /** The peaks since the previous mark (or the start), then starts a new span. */
  mark (): { rss: number, heap: number } {
    this.sample()
    const span = { rss: this.spanRss, heap: this.spanHeap }
    this.spanRss = 0
    this.spanHeap = 0
    return span
  }

  stop (): this {
    this.sample()
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    return this
  }
}

/** The process's peak resident set size so far, as the kernel counts it (bytes). */
export function maxRssBytes (): number {
  return process.resourceUsage().maxRSS * 1024
}

export function machine (): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  return `${availableParallelism()} vCPU (${cpu}), node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`
}

/** A table with right-aligned cells except the columns listed in `left`. */
export function printTable (header: string[], rows: string[][], left: number[] = [0]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]): string =>
    cells.map((c, i) => (left.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
  for (const row of rows) console.log(line(row))
}

export interface Check { ok: boolean, text: string }

/** Prints the checks as PASS/FAIL lines; sets a non-zero exit code when one fails. */
export function printChecks (checks: Check[]): void {
  console.log('\ntargets')
  for (const c of checks) console.log(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`)
  if (checks.some((c) => !c.ok)) process.exitCode = 1
}

/** Polls `test` until it holds, at most `timeoutMs` (benches wait for what they measure, never a fixed time). */
export async function until (test: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
