import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { Incident } from '../../src/seal'
import { HeadWatcher, type HeadWatcherOptions } from '../../src/heads'

// Teardown registry: every resource registers its cleanup in one line; afterEach runs them
// newest first, and a failing cleanup does not stop the others.
const cleanups: Array<() => Promise<void> | void> = []
export function onCleanup (fn: () => Promise<void> | void): void {
  cleanups.push(fn)
}
export async function runCleanups (): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop() as () => Promise<void> | void
    try {
      await fn()
    } catch (err) {
      console.error('cleanup failed:', err)
    }
  }
}

export function tempDir (prefix = 'hs-heads-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Polls `fn` until it returns a truthy value (returned) or the time is up (throws). */
export async function waitFor<T> (fn: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v as NonNullable<T>
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function codeOf (p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}

/** A watcher on its own Corestore in a temp dir, with incidents collected in an array. */
export async function openWatcher (opts: HeadWatcherOptions = {}): Promise<{ watcher: HeadWatcher, store: Corestore, incidents: Incident[], dir: string }> {
  const dir = tempDir('hs-watcher-')
  const store = new Corestore(dir)
  await store.ready()
  onCleanup(() => store.close())
  const incidents: Incident[] = []
  const watcher = new HeadWatcher(store, {
    replicationPort: 0,
    updateTimeoutMs: 3000,
    reconnect: { baseMs: 50, maxMs: 400, stableMs: 1000, idleTimeoutMs: 15_000 },
    onIncident: (i) => { incidents.push(i) },
    ...opts
  })
  onCleanup(() => watcher.close())
  return { watcher, store, incidents, dir }
}

export interface HeadInfo { length: number, fork: number, treeHash: string }

/** A writer core in this process, served over TCP on 127.0.0.1. */
export interface LocalWriter { store: Corestore, core: Hypercore, port: number, server: Server, key: string, head (): Promise<HeadInfo> }

export async function localWriter (dir = tempDir('hs-writer-'), opts: { primaryKey?: Buffer } = {}): Promise<LocalWriter> {
  const store = opts.primaryKey ? new Corestore(dir, { primaryKey: opts.primaryKey, unsafe: true }) : new Corestore(dir)
  const core = store.get({ name: 'writer' })
  await core.ready()
  const { server, port } = await serveStore(store)
  const head = async (): Promise<HeadInfo> => ({ length: core.length, fork: core.fork, treeHash: (await core.treeHash()).toString('hex') })
  return { store, core, port, server, key: core.key.toString('hex'), head }
}

/** Serves a Corestore's replication over TCP on 127.0.0.1; the server and the store close at cleanup. */
export async function serveStore (store: Corestore): Promise<{ server: Server, port: number }> {
  const open = new Set<() => void>()
  const server = createServer((socket) => {
    const s = store.replicate(false)
    s.pipe(socket).pipe(s)
    const end = (): void => { open.delete(end); socket.destroy(); s.destroy() }
    open.add(end)
    socket.on('error', end)
    s.on('error', end)
    socket.on('close', end)
  })
  server.on('close', () => { for (const end of [...open]) end() })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  onCleanup(async () => {
    server.emit('close')
    await new Promise<void>((r) => server.close(() => r()))
    await store.close()
  })
  return { server, port: (server.address() as AddressInfo).port }
}

export async function appendN (core: Hypercore, n: number, label = 'block'): Promise<void> {
  const blocks: Buffer[] = []
  for (let i = 0; i < n; i++) blocks.push(Buffer.from(`${label}-${core.length + i}`))
  await core.append(blocks)
}

const WRITER_SCRIPT = resolve(__dirname, '../support/heads-writer.js')

/** A writer in a child process (test/support/heads-writer.js), driven over stdin/stdout. */
export interface ChildWriter {
  key: string
  port: number
  primaryKey: string
  storage: string
  /** The writer's start-up line as it printed it. */
  ready: Record<string, unknown>
  send (command: string): Promise<Record<string, unknown> & Partial<HeadInfo>>
  /** Asks the writer to close and waits for the process to end. */
  exit (): Promise<void>
}

/** `script` and `args`: another writer script that speaks the same protocol (test/support/struct-writer.js). */
export async function childWriter (opts: { storage?: string, port?: number, label?: string, primaryKey?: string, script?: string, args?: string[] } = {}): Promise<ChildWriter> {
  const storage = opts.storage ?? tempDir('hs-child-')
  const args = [opts.script ?? WRITER_SCRIPT, '--storage', storage, '--port', String(opts.port ?? 0), '--label', opts.label ?? 'block', ...(opts.args ?? [])]
  if (opts.primaryKey) args.push('--primary-key', opts.primaryKey)
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const waiting: Array<(msg: Record<string, unknown>) => void> = []
  // Hypercore logs conflicts with console.log, so stdout may hold lines that are not ours.
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg: Record<string, unknown>
    try {
      msg = JSON.parse(line) as Record<string, unknown>
    } catch {
      return
    }
    waiting.shift()?.(msg)
  })
  const next = (what: string): Promise<Record<string, unknown>> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`writer did not answer ${what} in time; stderr: ${stderr}`)), 15_000)
    waiting.push((msg) => { clearTimeout(timer); resolve(msg) })
  })
  const ready = await Promise.race([
    next('startup'),
    exited.then(() => { throw new Error(`writer exited at startup: ${stderr}`) })
  ])
  return {
    key: ready.key as string,
    port: ready.port as number,
    primaryKey: ready.primaryKey as string,
    storage,
    ready,
    async send (command) {
      const answer = next(command)
      child.stdin.write(command + '\n')
      const msg = await answer
      if (msg.ok !== true) throw new Error(`writer failed "${command}": ${String(msg.error)}`)
      return msg
    },
    async exit () {
      child.stdin.write('exit\n')
      await exited
    }
  }
}

/**
 * The research note's copied-storage recipe: the same Corestore directory copied, its
 * CORESTORE device file removed, reopened with the same primary key. Both copies can sign
 * for the same core key; each then appends different data.
 */
export async function twoWritersOneKey (base: number): Promise<{ w1: ChildWriter, w2: ChildWriter }> {
  const storage = tempDir('hs-w1-')
  const original = await childWriter({ storage })
  await original.send(`append ${base}`)
  await original.exit()
  const copy = tempDir('hs-w2-')
  rmSync(copy, { recursive: true })
  cpSync(storage, copy, { recursive: true })
  rmSync(join(copy, 'CORESTORE'))
  const w1 = await childWriter({ storage, label: 'one' })
  const w2 = await childWriter({ storage: copy, primaryKey: original.primaryKey, label: 'two' })
  if (w2.key !== w1.key) throw new Error('the copied storage did not give the same key')
  return { w1, w2 }
}

/**
 * A TCP relay on 127.0.0.1 to `port`. `blackhole()` stops forwarding in both directions while
 * keeping every connection open: a peer that went silent without closing its socket.
 */
export async function tcpRelay (port: number): Promise<{ port: number, blackhole: () => void }> {
  let silent = false
  const sockets = new Set<Socket>()
  const server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1')
    for (const s of [inbound, outbound]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => { sockets.delete(s); inbound.destroy(); outbound.destroy() })
    }
    inbound.on('data', (d: Buffer) => { if (!silent) outbound.write(d) })
    outbound.on('data', (d: Buffer) => { if (!silent) inbound.write(d) })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  onCleanup(async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((r) => server.close(() => r()))
  })
  return { port: (server.address() as AddressInfo).port, blackhole: () => { silent = true } }
}

/** A TCP server on 127.0.0.1 that accepts connections and never sends a byte. */
export async function silentPeer (): Promise<{ port: number, accepted: () => number }> {
  let accepted = 0
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  onCleanup(async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((r) => server.close(() => r()))
  })
  return { port: (server.address() as AddressInfo).port, accepted: () => accepted }
}
