/**
 * Test material for the ledger: temp directories, real signed heads captured from real
 * Hypercores, and batches sealed with a made-up (but well-formed) chain position.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { buildBatch, headFromJson, headToJson, treeNodeToJson, type HeadJson, type IncidentKind, type SealInfo, type TreeNodeJson } from '../../src/seal'
import type { BatchInput } from '../../src/ledger'

export class TempDirs {
  private readonly dirs: string[] = []

  make (prefix = 'hs-ledger-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    this.dirs.push(dir)
    return dir
  }

  cleanup (): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  }
}

/** One snapshot, so length, tree hash and signature agree (as the sealer captures heads). */
export async function captureHead (core: Hypercore): Promise<HeadJson> {
  const s = core.snapshot()
  await s.ready()
  try {
    return headToJson({
      key: Buffer.from(core.key),
      length: s.length,
      fork: s.fork,
      treeHash: Buffer.from(await s.treeHash()),
      signature: Buffer.from(s.state.signature as Buffer),
      manifest: Buffer.from(core.getManifest({ raw: true }) as Buffer)
    })
  } finally {
    await s.close()
  }
}

/** The roots of the core's current length, left to right, as a receipt entry keeps them. */
export async function rootsOf (core: Hypercore): Promise<TreeNodeJson[]> {
  return core.state.roots.map((n) => treeNodeToJson({ index: n.index, size: n.size, hash: Buffer.from(n.hash) }))
}

/** Signed heads of one real core at growing lengths (captured once, then cached). */
export class HeadSource {
  private readonly heads = new Map<number, HeadJson>()
  private constructor (readonly core: Hypercore) {}

  static async create (store: Corestore, name: string): Promise<HeadSource> {
    const core = store.get({ name })
    await core.ready()
    return new HeadSource(core)
  }

  /** A source for a core another part writes (e.g. the receipts log): `now()` is its head now. */
  static async fromCore (core: Hypercore): Promise<HeadSource> {
    await core.ready()
    return new HeadSource(core)
  }

  get key (): string { return this.core.key.toString('hex') }

  /** The core's head as it is now. */
  async now (): Promise<HeadJson> {
    return await captureHead(this.core)
  }

  /** The head at `length`; lengths must be asked in increasing order the first time. */
  async at (length: number): Promise<HeadJson> {
    const cached = this.heads.get(length)
    if (cached !== undefined) return cached
    if (length < this.core.length) throw new Error(`head ${length} was not captured before the core grew past it`)
    const blocks = Array.from({ length: length - this.core.length }, (_, i) => Buffer.from(`block-${this.core.length + i}`))
    if (blocks.length > 0) await this.core.append(blocks)
    const head = await captureHead(this.core)
    this.heads.set(length, head)
    return head
  }

  /** Captures every length in `lengths` (any order). */
  async all (lengths: number[]): Promise<HeadJson[]> {
    for (const length of [...new Set(lengths)].sort((a, b) => a - b)) await this.at(length)
    return Promise.all(lengths.map((length) => this.at(length)))
  }
}

export function hex32 (): string {
  return '0x' + randomBytes(32).toString('hex')
}

export function sealOf (root: string, leafCount: number, timestamp: number, blockNumber = 7): SealInfo {
  return {
    chainId: 31337,
    contract: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
    root,
    leafCount,
    txHash: hex32(),
    blockNumber,
    blockHash: hex32(),
    timestamp
  }
}

/** A sealed batch of `heads` with a receipt for each; `contradicts` flags heads by index. */
export function sealedBatch (heads: HeadJson[], timestamp: number, contradicts: Record<number, IncidentKind> = {}): BatchInput {
  const batch = buildBatch(heads.map(headFromJson))
  const seal = sealOf(batch.root, batch.leafCount, timestamp)
  return {
    leaves: heads,
    seal,
    receipts: heads.map((_, i) => ({ receipt: batch.receiptFor(i, seal), ...(contradicts[i] ? { contradicts: contradicts[i] } : {}) }))
  }
}

/** Seconds since the epoch for an ISO time. */
export function at (iso: string): number {
  return Date.parse(iso) / 1000
}


/** Asserts that `promise` rejects (or `fn` throws) with an error carrying `code`. */
export async function expectCode (promise: Promise<unknown> | (() => unknown), code: string): Promise<Error & { code?: string }> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (err) {
    expect((err as { code?: string }).code, (err as Error).message).to.equal(code)
    return err as Error & { code?: string }
  }
  expect.fail(`expected an error with code ${code}, but it succeeded`)
}
