/**
 * Shared pieces of the manifest vector script: the loose types of the Hypercore libraries it
 * drives (they ship none), the capture of one vector, and the reader that replicates a core
 * to check that a fresh replica ends at the captured head.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type HypercoreType from 'hypercore'
import { readHead } from '../../src/heads'
import { headToJson, treeNodeToJson, verifyHeadSignature, type HeadJson, type TreeNodeJson } from '../../src/seal'
import { hypercoreAccepts } from '../../test/seal/hypercore-reference'

export interface Vector {
  name: string
  /** One sentence: how the core and its head were made. */
  made: string
  head: HeadJson
  /** The tree's roots at the head, so a test can rebuild the tree for Hypercore's verifier. */
  roots: TreeNodeJson[]
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Core = any
export type Store = any
/* eslint-enable @typescript-eslint/no-explicit-any */

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const Corestore = require('corestore') as new (dir: string, opts?: Record<string, unknown>) => Store

export function tempDir (tag: string): { dir: string, remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `hs-vectors-${tag}-`))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Polls `check` until it holds, or fails after `ms` (vectors are made once, off the tests). */
export async function until (what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A fresh Corestore replicating `store` in process ends at the head, with the same tree hash. */
async function readerAccepts (core: Core, store: Store, length: number, treeHash: Buffer): Promise<void> {
  const tmp = tempDir('reader')
  const reader = new Corestore(tmp.dir)
  const a = store.replicate(true)
  const b = reader.replicate(false)
  a.pipe(b).pipe(a)
  try {
    const copy = reader.get({ key: core.key })
    await copy.ready()
    await until('the reader to reach the head', async () => {
      await copy.update({ wait: true })
      return copy.length >= length
    })
    if (copy.length !== length || !Buffer.from(copy.state.hash()).equals(treeHash)) {
      throw new Error(`a fresh reader ended at length ${copy.length}, not the captured head`)
    }
    await copy.close()
  } finally {
    a.destroy()
    b.destroy()
    await reader.close()
    tmp.remove()
  }
}

/** Captures a core's head as the sealer does, checks it three ways, and makes it a vector. */
export async function capture (name: string, made: string, core: Core, store: Store | null): Promise<Vector> {
  const head = readHead(core as HypercoreType)
  if (head === null) throw new Error(`${name}: the core has no signed head`)
  const roots = (core as HypercoreType).state.roots.map((r) => ({ index: r.index, size: r.size, hash: Buffer.from(r.hash) }))
  if (!hypercoreAccepts(head, roots)) throw new Error(`${name}: Hypercore's verifier refuses the captured head`)
  if (store !== null) await readerAccepts(core, store, head.length, head.treeHash)
  verifyHeadSignature(head)
  console.log(`${name}: length ${head.length}, signature ${head.signature.byteLength} bytes, roots ${head.roots === undefined ? 'not needed' : head.roots.length}`)
  return { name, made, head: headToJson(head), roots: roots.map(treeNodeToJson) }
}
