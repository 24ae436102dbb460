/**
 * What a watched core is, read from its own first block, without the application's code: a
 * Hyperbee's block 0 is its header (`protocol: "hyperbee"`); a Hyperdrive 13 db is a Hyperbee
 * whose header carries `metadata` (empty for a v1 db, whose blobs core key follows from its
 * manifest; else `contentFeed`). src/proof has the layouts. An Autobase key is its bootstrap
 * writer's oplog core, whose blocks are oplog messages; its latest digest names the system core
 * (autobase.ts).
 */
import type Hypercore from 'hypercore'
import { blobsKeyOf, decodeHeader, ProtobufFault } from '../proof'
import { isOplogBlock, systemKeyOf } from './autobase'

export type Structure =
  | { kind: 'core' }
  | { kind: 'hyperbee' }
  | { kind: 'hyperdrive', blobs: string }
  /** `system`: the system core the oplog's latest digest names when it was read (it moves when the indexers change). */
  | { kind: 'autobase', system: string }

export type StructureKind = Structure['kind']

/**
 * The structure of `core`, or null while it cannot be told: the core is empty, or block 0 is
 * not stored and no peer sent it within `timeoutMs` (0: only what is stored).
 */
export async function recognise (core: Hypercore, timeoutMs: number): Promise<Structure | null> {
  // An empty replica may not have met its peer yet: block 0 is then waited for, within the bound.
  if (core.length === 0 && timeoutMs === 0) return null
  let block: Buffer | null
  try {
    block = await core.get(0, timeoutMs > 0 ? { timeout: timeoutMs } : { wait: false })
  } catch {
    return null
  }
  if (block === null) return null
  const found = structureOf(core.key, core.getManifest({ raw: true }), block)
  if (found.kind !== 'core' || !isOplogBlock(block)) return found
  // An oplog with no digest yet (a writer that is no indexer, or not replicated far enough) is not told yet.
  const system = await systemKeyOf(core, timeoutMs)
  return system === null ? null : { kind: 'autobase', system }
}

/** The structure block 0 shows, for a core with `key` and `manifest` (compact-encoded, or null); an Autobase needs its last block too (`recognise`). */
export function structureOf (key: Buffer, manifest: Buffer | null, block0: Buffer): Exclude<Structure, { kind: 'autobase' }> {
  let header
  try {
    header = decodeHeader(block0)
  } catch (err) {
    if (err instanceof ProtobufFault) return { kind: 'core' }
    throw err
  }
  if (header.protocol !== 'hyperbee') return { kind: 'core' }
  if (header.metadata === null) return { kind: 'hyperbee' }
  let blobs: Buffer | null = null
  try {
    blobs = blobsKeyOf(key, manifest, header.metadata.contentFeed)
  } catch {
    blobs = null // a manifest we cannot read names no blobs core we could follow
  }
  return blobs === null ? { kind: 'hyperbee' } : { kind: 'hyperdrive', blobs: blobs.toString('hex') }
}
