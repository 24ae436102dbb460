import { spawn } from 'node:child_process'
import { TS_LOADER } from '../support/ts-loader'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { Contract, JsonRpcProvider } from 'ethers'
import { HYPERSEAL_ABI } from '../../src/chain'
import { onCleanup, waitFor } from '../heads/helpers'

const SCRIPT = resolve(__dirname, '../support/service-child.ts')

export interface ServiceChild {
  pid: number
  ready: { contract: string, rpc: string, recovered: boolean }
  /** Sends a command; resolves with its answer, or with null when the process died first. */
  send (command: string): Promise<unknown>
  kill (): Promise<void>
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/** `extraEnv`: more of the child's environment (e.g. HYPERSEAL_CONFIG and the key variables it names). */
export async function startServiceChild (dataDir: string, fault?: string, extraEnv: Record<string, string> = {}): Promise<ServiceChild> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, HYPERSEAL_DATA: dataDir, HYPERSEAL_FAULT: fault ?? '', TS_NODE_TRANSPILE_ONLY: 'true' }
  delete env.TS_NODE_FILES
  const child = spawn(process.execPath, ['-r', TS_LOADER, SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })))
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const waiting: Array<(msg: unknown) => void> = []
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg: unknown
    try { msg = JSON.parse(line) } catch { return }
    waiting.shift()?.(msg)
  })
  const next = (): Promise<unknown> => Promise.race([
    new Promise((r) => waiting.push(r)),
    exited.then(() => null)
  ])
  const ready = await next() as ServiceChild['ready'] | null
  if (ready === null) throw new Error(`service child died at start: ${stderr}`)
  return {
    pid: child.pid!,
    ready,
    exited,
    async send (command) {
      const answer = next()
      child.stdin.write(command + '\n')
      return await answer
    },
    async kill () {
      child.kill('SIGKILL')
      await exited
    }
  }
}

/** How many roots the contract has sealed (its `Sealed` sequence). */
export async function sealCount (rpc: string, contract: string): Promise<number> {
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true })
  try {
    return Number(await new Contract(contract, HYPERSEAL_ABI, provider).sealCount())
  } finally {
    provider.destroy()
  }
}

/** Waits until the service child's replica of `key` is at `length`. */
export async function childReplicaAt (service: ServiceChild, key: string, length: number): Promise<void> {
  await waitFor(async () => {
    const cores = await service.send('cores') as Array<{ key: string, length: number }> | null
    return Array.isArray(cores) && cores.some((c) => c.key === key && c.length === length)
  }, `the service's replica at length ${length}`, 30_000)
}

/** The pid of the embedded anvil of the service on `dataDir` (from its pid file). */
export function embeddedAnvilPid (dataDir: string): number {
  return (JSON.parse(readFileSync(join(dataDir, 'chain', 'anvil.pid'), 'utf8')) as { pid: number }).pid
}
