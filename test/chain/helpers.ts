import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ChainError, createChainClient, startEmbeddedChain, type ChainClient, type EmbeddedChain, type EmbeddedChainOptions } from '../../src/chain'

/** anvil's account 1 of the public test mnemonic: funded, but holds no role on HyperSeal. */
export const OTHER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'

export function randomRoot (): string {
  return '0x' + randomBytes(32).toString('hex')
}

/** True while `pid` runs; a zombie (exited, not yet reaped by whoever adopted it) counts as gone. */
export function pidAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return process.platform !== 'linux'
  }
}

/** Waits (polling) until `pid` is gone; anvil may take a moment to exit after its parent. */
export async function waitPidGone (pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (pidAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} is still alive`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** A raw JSON-RPC call (anvil's evm_* methods, which the client does not wrap). */
export async function rpc (url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
  const body = await res.json() as { result?: unknown, error?: { message: string } }
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

/** Rejection code of a promise that must fail with a ChainError. */
export async function codeOf (p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    expect(err).to.be.instanceOf(ChainError)
    return (err as ChainError).code
  }
  throw new Error('expected a ChainError, got success')
}

/**
 * Temp dirs, anvils and clients of one test file, torn down in one call (mocha `after`/`afterEach`).
 * Teardown checks every anvil pid is dead: a test that leaks a child fails.
 */
export class ChainFixture {
  private readonly dirs: string[] = []
  private readonly chains: EmbeddedChain[] = []
  private readonly clients: ChainClient[] = []

  dir (): string {
    const d = mkdtempSync(join(tmpdir(), 'hs-chain-'))
    this.dirs.push(d)
    return d
  }

  async start (opts: Partial<EmbeddedChainOptions> = {}): Promise<EmbeddedChain> {
    const chain = await startEmbeddedChain({ dataDir: opts.dataDir ?? this.dir(), ...opts })
    this.chains.push(chain)
    return chain
  }

  async client (chain: EmbeddedChain, signerKey: string | null = chain.sealerKey): Promise<ChainClient> {
    const c = await createChainClient({ rpcUrl: chain.rpcUrl, contractAddress: chain.contractAddress, pollMs: 20, ...(signerKey !== null ? { signerKey } : {}) })
    this.clients.push(c)
    return c
  }

  async teardown (): Promise<void> {
    for (const c of this.clients.splice(0)) c.close()
    for (const chain of this.chains.splice(0)) {
      await chain.stop()
      expect(pidAlive(chain.pid), `anvil ${chain.pid} left running`).to.equal(false)
    }
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  }
}
