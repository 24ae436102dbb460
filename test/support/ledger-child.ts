/** Runs a TypeScript support script as a real child process and reads its output by line. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { TS_LOADER } from './ts-loader'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')

export class Child {
  readonly lines: string[] = []
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  private waiters: Array<() => void> = []
  private buffer = ''
  /** The first few KiB of stderr, to explain a child that failed. */
  private stderr = ''
  readonly proc: ChildProcessWithoutNullStreams

  constructor (script: string, args: string[]) {
    this.proc = spawn(process.execPath, ['-r', TS_LOADER, join(ROOT, 'test', 'support', script), ...args], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' }
    })
    this.proc.stdout.setEncoding('utf-8')
    this.proc.stdout.on('data', (chunk: string) => {
      this.buffer += chunk
      let nl: number
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, nl))
        this.buffer = this.buffer.slice(nl + 1)
      }
      for (const wake of this.waiters.splice(0)) wake()
    })
    this.proc.stderr.setEncoding('utf-8')
    this.proc.stderr.on('data', (chunk: string) => { if (this.stderr.length < 4096) this.stderr += chunk })
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => {
      for (const wake of this.waiters.splice(0)) wake()
      resolve({ code, signal })
    }))
  }

  /** Waits until a line satisfies `match` (polls on output, not on a timer). */
  async waitFor (match: (line: string) => boolean, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.lines.find(match)
      if (found !== undefined) return found
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) throw new Error(`child exited before printing the line; output: ${this.lines.join(' | ')}; stderr: ${this.stderr}`)
      if (Date.now() > deadline) throw new Error(`child printed no matching line in ${timeoutMs} ms; output: ${this.lines.join(' | ')}; stderr: ${this.stderr}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  /** Kills the child (if still running) and waits for it to be gone. */
  async kill (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal)
    await this.exited
  }
}
