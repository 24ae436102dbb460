import { spawn, type ChildProcess } from 'node:child_process'
import { isIPv6 } from 'node:net'
import type { AnvilCommand } from './anvil-binary'
import { guardChild, releaseChild } from './child-guard'
import { ChainError } from './errors'
import type { ChainLogger } from './logger'
import { probeChainId, sleep } from './rpc'

export interface AnvilSpawnOptions {
  command: AnvilCommand
  /** anvil's own arguments, without --host and --port. */
  args: string[]
  host: string
  /** 0: anvil binds a free port and we read which from its "Listening on" line. */
  port: number
  startTimeoutMs: number
  logger: ChainLogger
}

export interface AnvilProcess {
  readonly pid: number
  readonly rpcUrl: string
  readonly chainId: number
  /** SIGTERM (anvil writes its state), SIGKILL after `timeoutMs`; resolves once it exited. */
  stop (timeoutMs?: number): Promise<void>
  /** Whether anvil has exited (stopped by us, or by a signal sent to the whole process group). */
  exited (): boolean
}

const TAIL_BYTES = 4096
const LISTENING = /Listening on (\S+):(\d{1,5})/

function exited (child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function waitExit (child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.off('exit', done); resolve(false) }, timeoutMs)
    function done (): void { clearTimeout(timer); resolve(true) }
    child.once('exit', done)
  })
}

/** Starts anvil and resolves once it answers eth_chainId; ANVIL_FAILED (with its stderr tail) otherwise. */
export async function spawnAnvil (opts: AnvilSpawnOptions): Promise<AnvilProcess> {
  const argv = [...opts.command.prefix, ...opts.args, '--host', opts.host, '--port', String(opts.port)]
  const child = spawn(opts.command.command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TARGET_TOOL: 'anvil' } })
  guardChild(child)
  let stderrTail = ''
  let spawnError: Error | null = null
  child.on('error', (err) => { spawnError = err })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-TAIL_BYTES)
    opts.logger.warn({ anvil: chunk.trim().slice(0, 500) }, 'anvil wrote to stderr')
  })
  // stdout lists the dev accounts' private keys: it is read for the port and never logged.
  let stdoutHead = ''
  let port: number | null = null
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    if (port !== null) return
    stdoutHead = (stdoutHead + chunk).slice(-1024)
    const m = LISTENING.exec(stdoutHead)
    if (m !== null) port = Number(m[2])
  })
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  exitPromise.then(() => releaseChild(child), () => {})

  const fail = async (why: string): Promise<never> => {
    if (!exited(child)) {
      child.kill('SIGKILL')
      await waitExit(child, 5000)
    }
    releaseChild(child)
    const tail = stderrTail.trim()
    throw new ChainError('ANVIL_FAILED', `The embedded chain (anvil) did not start: ${why}.${tail !== '' ? ` anvil said: ${tail.slice(-1000)}` : ''}`)
  }

  const deadline = Date.now() + opts.startTimeoutMs
  let chainId: number | null = null
  let rpcUrl = ''
  while (chainId === null) {
    if (spawnError !== null) return await fail(`cannot run ${opts.command.command} (${(spawnError as Error).message})`)
    if (exited(child)) return await fail(`it exited with ${child.exitCode !== null ? `code ${child.exitCode}` : String(child.signalCode)}`)
    if (Date.now() > deadline) return await fail(`no answer within ${opts.startTimeoutMs} ms`)
    if (port !== null) {
      rpcUrl = rpcUrlFor(opts.host, port)
      chainId = await probeChainId(rpcUrl, 1000).catch(() => null)
    }
    if (chainId === null) await Promise.race([sleep(50), exitPromise])
  }
  const pid = child.pid as number
  opts.logger.info({ pid, port }, 'embedded chain (anvil) started')

  return {
    pid,
    rpcUrl,
    chainId,
    exited: () => exited(child),
    async stop (timeoutMs = 10_000): Promise<void> {
      if (!exited(child)) {
        child.kill('SIGTERM')
        if (!await waitExit(child, timeoutMs)) {
          opts.logger.warn({ pid }, 'anvil did not stop on SIGTERM in time; killing it (its last state interval may be lost)')
          child.kill('SIGKILL')
          await waitExit(child, 5000)
        }
      }
      releaseChild(child)
    }
  }
}

/** The URL to reach anvil: a wildcard bind address is reached through loopback. */
export function rpcUrlFor (host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`
  if (host === '::') return `http://[::1]:${port}`
  return isIPv6(host) ? `http://[${host}]:${port}` : `http://${host}:${port}`
}
