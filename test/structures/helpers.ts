import { cpSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { HypersealService } from '../../src/service'
import { childWriter, tempDir, waitFor, type ChildWriter } from '../heads/helpers'

type StructureView = ReturnType<HypersealService['structures']['view']>

const SCRIPT = resolve(__dirname, '../support/struct-writer.js')

export interface StructWriter {
  key: string
  /** The drive's blobs core (null for a bee). */
  blobs: string | null
  port: number
  peer: string
  storage: string
  primaryKey: string
  run (command: Record<string, unknown>): Promise<Record<string, unknown> & { version: number, blobsLength?: number }>
  exit (): Promise<void>
}

function wrap (w: ChildWriter): StructWriter {
  return {
    key: w.key,
    blobs: (w.ready.blobs as string | null) ?? null,
    port: w.port,
    peer: `127.0.0.1:${w.port}`,
    storage: w.storage,
    primaryKey: w.primaryKey,
    run: async (command) => await w.send(JSON.stringify(command)) as Record<string, unknown> & { version: number },
    exit: () => w.exit()
  }
}

/** A Hyperdrive or Hyperbee writer in its own process (test/support/struct-writer.js), replicating over TCP on 127.0.0.1. */
export async function structWriter (kind: 'drive' | 'bee', opts: { storage?: string, primaryKey?: string } = {}): Promise<StructWriter> {
  return wrap(await childWriter({ script: SCRIPT, args: ['--kind', kind], ...opts }))
}

/** The copied-storage recipe (test/heads/helpers.ts `twoWritersOneKey`) for a drive: two processes that sign for the same drive. */
export async function copiedDrive (w: StructWriter): Promise<StructWriter> {
  await w.exit()
  const copy = tempDir('hs-drive-copy-')
  rmSync(copy, { recursive: true })
  cpSync(w.storage, copy, { recursive: true })
  rmSync(join(copy, 'CORESTORE'))
  return await structWriter('drive', { storage: copy, primaryKey: w.primaryKey })
}

/**
 * What the service has learned `key` is, once it has: a watch opens nothing, so a structure is
 * told in the background (src/service/structures.ts), from block 0 as its peers send it.
 */
export async function structureTold (service: HypersealService, key: string): Promise<StructureView> {
  return await waitFor(() => { const v = service.structures.view(key); return v.kind === null ? null : v }, `what ${key.slice(0, 8)} is`, 30_000) as StructureView
}
