/**
 * Real Hypercores in temp dirs for the verifier's tests: the heads, tree hashes and upgrade
 * proofs come from hypercore 11 itself. `proof` and `keyPair` are not in src/types/hypercore.d.ts
 * (src never calls them), so they are typed here.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Hypercore from 'hypercore'
import type { UpgradeProof } from '../../src/verify'

type KeyPair = { publicKey: Buffer, secretKey: Buffer }

export interface ProvableCore extends Hypercore {
  readonly keyPair: KeyPair
  /** hypercore 11 `index.js` proof(opts) → TreeProof.settle(): `{ fork, block, hash, seek, upgrade, manifest }`. */
  proof (opts: { upgrade: { start: number, length: number } }): Promise<UpgradeProof & Record<string, unknown>>
}

export interface CoreBench {
  /** A new writable core; pass a key pair to make a second writer of the same key (a fork). */
  open (keyPair?: KeyPair): Promise<ProvableCore>
  close (): Promise<void>
}

export function coreBench (): CoreBench {
  const opened: Array<{ core: ProvableCore, dir: string }> = []
  return {
    async open (keyPair) {
      const dir = mkdtempSync(join(tmpdir(), 'hs-verify-'))
      const core = new Hypercore(dir, null, keyPair ? { keyPair } : {}) as ProvableCore
      opened.push({ core, dir })
      await core.ready()
      return core
    },
    async close () {
      for (const { core, dir } of opened.splice(0).reverse()) {
        await core.close()
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

/** Appends `count` blocks of varied sizes (so node sizes differ across the tree). */
export async function appendBlocks (core: Hypercore, count: number, tag = 'block'): Promise<void> {
  const blocks = Array.from({ length: count }, (_, i) => Buffer.from(`${tag}-${core.length + i}-${'x'.repeat((core.length + i) % 13)}`))
  await core.append(blocks)
}

// The head as a sealer captures it: one helper for the seal and verify tests.
export { captureHead } from './seal-real-core'
