/**
 * Hyperdrive 13 over its Hyperbee, said once (hyperdrive `index.js`):
 * - a file's db key is `"files" ‖ 0x00 ‖ utf8(path)` (sub-encoder `SubEncoder('files', 'utf-8')`),
 *   the path normalised to start with `/`;
 * - its value is JSON `{ executable, linkname, blob, metadata }`, with `blob` (hyperblobs id)
 *   `{ byteOffset, blockOffset, blockLength, byteLength }`: the file is blobs-core blocks
 *   `blockOffset .. blockOffset+blockLength-1`, concatenated, `byteLength` bytes;
 * - the blobs core's key is the header's `metadata.contentFeed` (first 32 bytes) when set, else
 *   the key of the manifest derived from the db's (`generateContentManifest`): the same version,
 *   allowPatch and quorum, each signer's namespace replaced by
 *   `BLAKE2b-256(BLOBS ‖ dbKey ‖ namespace)`, no prologue, where
 *   `BLOBS = crypto.namespace('hyperdrive', 1)[0] = BLAKE2b-256(BLAKE2b-256("hyperdrive") ‖ 0x00)`.
 */
import sodium from 'sodium-native'
import { decodeManifest, encodeManifest, isCompat, manifestHash } from '../seal'

const FILES_PREFIX = Buffer.from('files\u0000', 'utf8')

function blake2b (...parts: Uint8Array[]): Buffer {
  const out = Buffer.alloc(32)
  sodium.crypto_generichash_batch(out, parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)))
  return out
}

export const BLOBS_NAMESPACE = blake2b(blake2b(Buffer.from('hyperdrive')), Buffer.from([0]))

/** `/a/b.txt` for `a/b.txt`, `/a//b.txt` or `/a/./b.txt` (unix-path-resolve from `/`). */
export function normalisePath (path: string): string {
  const parts: string[] = []
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue
    if (p === '..') parts.pop()
    else parts.push(p)
  }
  return '/' + parts.join('/')
}

export function fileKey (path: string): Buffer {
  return Buffer.concat([FILES_PREFIX, Buffer.from(normalisePath(path), 'utf8')])
}

/** The path a db key names, or null when the key is not a file entry. */
export function pathOfKey (key: Uint8Array): string | null {
  const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength)
  if (k.byteLength < FILES_PREFIX.byteLength || !k.subarray(0, FILES_PREFIX.byteLength).equals(FILES_PREFIX)) return null
  return k.subarray(FILES_PREFIX.byteLength).toString('utf8')
}

export interface BlobId { byteOffset: number, blockOffset: number, blockLength: number, byteLength: number }
export interface DriveEntry { executable: boolean, linkname: string | null, blob: BlobId | null, metadata: unknown }

const uint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** A drive entry's value, or null when it is not one (the caller says so). */
export function decodeDriveEntry (value: Uint8Array): DriveEntry | null {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value))
  } catch {
    return null
  }
  if (typeof json !== 'object' || json === null) return null
  const e = json as Record<string, unknown>
  const blob = e.blob
  if (blob !== null && blob !== undefined) {
    const b = blob as Record<string, unknown>
    if (typeof blob !== 'object' || !uint(b.byteOffset) || !uint(b.blockOffset) || !uint(b.blockLength) || !uint(b.byteLength)) return null
  }
  return {
    executable: e.executable === true,
    linkname: typeof e.linkname === 'string' ? e.linkname : null,
    blob: blob === null || blob === undefined ? null : blob as BlobId,
    metadata: e.metadata ?? null
  }
}

/**
 * The blobs core's key for a drive whose db core has `dbKey` and `dbManifest` (compact-encoded)
 * and whose Hyperbee header carries `contentFeed` (or null); null when neither names one
 * (a compat db without a content feed).
 */
export function blobsKeyOf (dbKey: Uint8Array, dbManifest: Uint8Array | null, contentFeed: Uint8Array | null): Buffer | null {
  if (contentFeed !== null && contentFeed.byteLength >= 32) return Buffer.from(contentFeed.subarray(0, 32))
  if (dbManifest === null) return null
  const m = decodeManifest(Buffer.from(dbManifest))
  if (m.version < 1 || isCompat(Buffer.from(dbKey), m)) return null
  const content = {
    ...m,
    signers: m.signers.map((s) => ({ ...s, namespace: blake2b(BLOBS_NAMESPACE, dbKey, s.namespace) })),
    prologue: null,
    linked: null,
    userData: null
  }
  return manifestHash(encodeManifest(content))
}
