import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { buildApp } from '../../src/api'
import { runProgram } from '../../src/cli/exit'
import { buildProgram } from '../../src/cli/main'
import { HypersealService } from '../../src/service'
import { onCleanup, tempDir } from '../heads/helpers'
import { testConfig } from '../sealer/helpers'
import { TS_LOADER } from '../support/ts-loader'

const BIN = resolve(__dirname, '../../bin/hyperseal.js')

export interface CliRun { code: number | null, stdout: string, stderr: string }

/**
 * Runs `node bin/hyperseal.js ...args` from source (HYPERSEAL_FROM_SOURCE=1, through TS_LOADER) in a temp working
 * directory, with no HYPERSEAL_* variable inherited from this process, and `env` added.
 */
export async function runCli (args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return await runNode(['-r', TS_LOADER, BIN, ...args], { env: { HYPERSEAL_FROM_SOURCE: '1', ...env }, cwd: tempDir('hs-cli-cwd-') })
}

/** Runs `node ...argv` with no HYPERSEAL_* variable inherited and `env` added; killed after a minute, or by runCleanups. */
export async function runNode (argv: string[], opts: { env?: Record<string, string>, cwd: string }): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HYPERSEAL_')))
  const child = spawn(process.execPath, argv, { cwd: opts.cwd, env: { ...base, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  // A backstop for a hung process, not a timing check: starting from source takes 15–25 s on a busy machine.
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
  const code = await exited
  clearTimeout(timer)
  // 'exit' can come before the pipes are drained.
  await Promise.all([new Promise((r) => child.stdout.once('close', r)), new Promise((r) => child.stderr.once('close', r))].map((p) => Promise.race([p, new Promise((r) => setTimeout(r, 1000))])))
  return { code, stdout, stderr }
}

/** Runs the real program in this process with stdout/stderr captured and the exit code restored. */
export async function runInProcess (args: string[]): Promise<{ code: number, stderr: string, stdout: string }> {
  const saved = { err: process.stderr.write, out: process.stdout.write, exitCode: process.exitCode }
  let stderr = ''
  let stdout = ''
  process.stderr.write = ((chunk: string) => { stderr += chunk; return true }) as typeof process.stderr.write
  process.stdout.write = ((chunk: string) => { stdout += chunk; return true }) as typeof process.stdout.write
  process.exitCode = undefined
  try {
    const code = await runProgram(buildProgram(), ['node', 'hyperseal', ...args])
    return { code, stderr, stdout }
  } finally {
    process.stderr.write = saved.err
    process.stdout.write = saved.out
    process.exitCode = saved.exitCode
  }
}

/** A plain HTTP server on 127.0.0.1 that is not (or only pretends to be) the Hyperseal API; closed by runCleanups. */
export async function foreignServer (handler: RequestListener): Promise<string> {
  const server: Server = createHttpServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  onCleanup(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The non-empty lines of a stream's output. */
export const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '')

/** Asserts the exit code and that stderr is exactly one line; returns that line. */
export function expectOneErrorLine (run: CliRun, code: number, what: string): string {
  expect(run.code, `${what}: exit code; stderr: ${run.stderr}`).to.equal(code)
  const errLines = lines(run.stderr)
  expect(errLines, `${what}: stderr`).to.have.length(1)
  return errLines[0]
}

export interface LiveService { service: HypersealService, url: string, port: number, dataDir: string, token: string }

/** A real service with its API listening on 127.0.0.1 (a port picked by the OS); closed by runCleanups. */
export async function startService (env: Record<string, string> = {}): Promise<LiveService> {
  const dataDir = tempDir('hs-cli-service-')
  const service = await HypersealService.open(testConfig(dataDir, env), { updateTimeoutMs: 2000 })
  onCleanup(() => service.close())
  const app = buildApp({ service, adminToken: service.adminToken, metrics: service.registry })
  onCleanup(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as AddressInfo).port
  return { service, url: `http://127.0.0.1:${port}`, port, dataDir, token: service.adminToken }
}

/** A TCP port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

/** Mines one block on the embedded anvil (JSON-RPC `evm_mine`). */
export async function mineBlock (rpcUrl: string): Promise<void> {
  const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'evm_mine', params: [] }) })
  if (!res.ok) throw new Error(`evm_mine answered HTTP ${res.status}`)
}
