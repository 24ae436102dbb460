/**
 * Record proofs (docs/formats.md "Record proof") from a replica and its receipts: a raw block, a
 * Hyperbee entry at a version (the blocks `get(key)` reads, walked by src/proof's own `lookup`,
 * so the checker walks the very same path), a Hyperdrive file (its db entry, then its blob blocks
 * in the blobs core). Each part rests on the earliest seal of the replica's history covering it.
 */
import { decodeDriveEntry, decodeHeader, fileKey, lookup, normalisePath, MAX_BLOCK_BYTES, MAX_PROOF_BLOCKS, type BeeNode, type LookupResult, decodeNode, ProtobufFault, type RecordProof } from '../proof'
import { StructureError } from './errors'
import { structureOf } from './recognise'
import { earliestCovering, provePart, readBlock, type ProofSource } from './prove-blocks'

/** The content a file proof may carry: a proof is a document people pass around. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024

function checkVersion (source: ProofSource, version: number | undefined): number {
  const length = source.core.length
  const v = version ?? length
  if (!Number.isSafeInteger(v) || v < 1 || v > length) throw new StructureError('NOT_FOUND', `Version ${v} is not in 1..${length}, the replica's length.`)
  return v
}

export async function proveBlock (source: ProofSource, key: string, index: number): Promise<RecordProof> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= source.core.length) {
    throw new StructureError('NOT_FOUND', `Core ${key} has no block ${index}: its replica holds ${source.core.length} blocks.`)
  }
  const receipt = await earliestCovering(source, index + 1)
  return { v: 1, kind: 'hyperseal-record-proof', type: 'block', key, index, parts: [await provePart(source, 'core', receipt, [index])] }
}

interface EntryRead { version: number, found: LookupResult | null, blocks: Map<number, Buffer>, header: ReturnType<typeof decodeHeader> }

async function readEntry (source: ProofSource, entryKey: Buffer, version: number | undefined): Promise<EntryRead> {
  const v = checkVersion(source, version)
  const blocks = new Map<number, Buffer>()
  const header0 = await readBlock(source.core, 0, source.timeoutMs)
  blocks.set(0, header0)
  let header
  try {
    header = decodeHeader(header0)
  } catch (err) {
    if (err instanceof ProtobufFault) throw new StructureError('NOT_A_STRUCTURE', `Core ${source.core.key.toString('hex')} is not a Hyperbee (block 0 is no Hyperbee header).`)
    throw err
  }
  if (header.protocol !== 'hyperbee') throw new StructureError('NOT_A_STRUCTURE', `Core ${source.core.key.toString('hex')} is not a Hyperbee (its header names "${header.protocol}").`)
  const decoded = new Map<number, BeeNode>()
  try {
    const walk = lookup(entryKey, v)
    let step = walk.next()
    while (step.done !== true) {
      const seq = step.value
      let node = decoded.get(seq)
      if (node === undefined) {
        const data = await readBlock(source.core, seq, source.timeoutMs)
        blocks.set(seq, data)
        decoded.set(seq, node = decodeNode(data))
      }
      step = walk.next(node)
    }
    return { version: v, found: step.value, blocks, header }
  } catch (err) {
    if (err instanceof ProtobufFault) throw new StructureError('NOT_A_STRUCTURE', `Core ${source.core.key.toString('hex')} holds a block that is no Hyperbee node: ${err.message}.`)
    throw err
  }
}

export async function proveEntry (source: ProofSource, key: string, entryKey: Buffer, version?: number): Promise<RecordProof> {
  const read = await readEntry(source, entryKey, version)
  const receipt = await earliestCovering(source, read.version)
  const value = read.found === null || read.found.node.value === null ? null : Buffer.from(read.found.node.value)
  return {
    v: 1, kind: 'hyperseal-record-proof', type: 'hyperbee-entry', key, version: read.version, entry: entryKey, value,
    parts: [await provePart(source, 'db', receipt, [...read.blocks.keys()], read.blocks)]
  }
}

export async function proveFile (db: ProofSource, blobs: (blobsKey: string) => Promise<ProofSource>, key: string, path: string, version?: number): Promise<RecordProof> {
  const read = await readEntry(db, fileKey(path), version)
  if (read.header.metadata === null) throw new StructureError('NOT_A_STRUCTURE', `Core ${key} is a Hyperbee, not a Hyperdrive.`)
  const shown = normalisePath(path)
  if (read.found === null || read.found.node.value === null) throw new StructureError('NOT_FOUND', `The drive has no file ${shown} at version ${read.version}.`)
  const entry = decodeDriveEntry(read.found.node.value)
  if (entry === null || entry.blob === null) throw new StructureError('NOT_FOUND', `${shown} at version ${read.version} is not a file with content.`)
  const { blockOffset, blockLength, byteLength } = entry.blob
  if (blockLength > MAX_PROOF_BLOCKS || byteLength > MAX_FILE_BYTES) {
    throw new StructureError('TOO_LARGE', `${shown} is ${byteLength} bytes in ${blockLength} blocks; a file proof carries at most ${MAX_FILE_BYTES} bytes in ${MAX_PROOF_BLOCKS} blocks.`)
  }
  const structure = structureOf(db.core.key, db.core.getManifest({ raw: true }), read.blocks.get(0)!)
  if (structure.kind !== 'hyperdrive') throw new StructureError('NOT_A_STRUCTURE', `Core ${key} names no blobs core.`)
  const blobSource = await blobs(structure.blobs)
  const indexes = Array.from({ length: blockLength }, (_, i) => blockOffset + i)
  const dbReceipt = await earliestCovering(db, read.version)
  const blobsReceipt = await earliestCovering(blobSource, blockOffset + blockLength)
  const blobBlocks = new Map<number, Buffer>()
  for (const i of indexes) {
    const data = await readBlock(blobSource.core, i, blobSource.timeoutMs)
    if (data.byteLength > MAX_BLOCK_BYTES) throw new StructureError('TOO_LARGE', `Blob block ${i} is larger than a proof block may be.`)
    blobBlocks.set(i, data)
  }
  return {
    v: 1, kind: 'hyperseal-record-proof', type: 'hyperdrive-file', key, version: read.version, path: shown,
    parts: [
      await provePart(db, 'db', dbReceipt, [...read.blocks.keys()], read.blocks),
      await provePart(blobSource, 'blobs', blobsReceipt, indexes, blobBlocks)
    ]
  }
}
