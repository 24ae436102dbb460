/**
 * Captures heads from real Hypercores in a temp Corestore. The hypercore packages ship no
 * types and src/types is shared with the heads helper, so the few calls used here are typed
 * locally.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Head } from '../../src/seal'

interface Snapshot {
  length: number
  fork: number
  state: { signature: Buffer | null }
  ready (): Promise<void>
  treeHash (): Promise<Buffer>
  close (): Promise<void>
}

export interface RealCore {
  key: Buffer
  length: number
  fork: number
  manifest: { signers: Array<{ publicKey: Buffer }> }
  keyPair: { publicKey: Buffer, secretKey: Buffer }
  ready (): Promise<void>
  append (blocks: Buffer | Buffer[]): Promise<unknown>
  truncate (length: number): Promise<void>
  snapshot (): Snapshot
  getManifest (opts: { raw: true }): Buffer | null
}

interface Store {
  get (opts: { name: string }): RealCore
  ready (): Promise<void>
  close (): Promise<void>
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Corestore = require('corestore') as new (dir: string) => Store

export interface TempStore {
  core (name: string): Promise<RealCore>
  close (): Promise<void>
}

export async function openTempStore (): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-seal-'))
  const store = new Corestore(dir)
  await store.ready()
  return {
    async core (name) {
      const core = store.get({ name })
      await core.ready()
      return core
    },
    async close () {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** The way a sealer captures a head: one snapshot, so length, tree hash and signature agree. */
export async function captureHead (core: Pick<RealCore, 'key' | 'snapshot' | 'getManifest'>): Promise<Head> {
  const s = core.snapshot()
  await s.ready()
  try {
    return {
      key: Buffer.from(core.key),
      length: s.length,
      fork: s.fork,
      treeHash: Buffer.from(await s.treeHash()),
      signature: Buffer.from(s.state.signature!),
      manifest: Buffer.from(core.getManifest({ raw: true })!)
    }
  } finally {
    await s.close()
  }
}

export async function appendBlocks (core: RealCore, count: number, tag = 'block'): Promise<void> {
  const blocks = Array.from({ length: count }, (_, i) => Buffer.from(`${tag}-${core.length + i}`))
  await core.append(blocks)
}
