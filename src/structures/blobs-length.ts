import type Hypercore from 'hypercore'
import Hyperbee from 'hyperbee'
import { decodeDriveEntry } from '../proof'
import { StructureError } from './errors'

/**
 * How long the blobs core must be for drive `version`: the end of the furthest blob any entry
 * references then (hyperdrive's `getBlobsLength(version)`: every entry of the db checkout is
 * read). Each block the scan needs is read with `timeoutMs` (a sparse replica fetches it).
 */
export async function blobsLengthAt (db: Hypercore, version: number, timeoutMs: number): Promise<number> {
  const session = db.session({ timeout: timeoutMs })
  const bee = new Hyperbee(session, { keyEncoding: 'binary', valueEncoding: 'binary' })
  const checkout = bee.checkout(version)
  let length = 0
  try {
    for await (const { value } of checkout.createReadStream()) {
      const entry = value instanceof Uint8Array ? decodeDriveEntry(value) : null
      const blob = entry?.blob
      if (blob) length = Math.max(length, blob.blockOffset + blob.blockLength)
    }
    return length
  } catch (err) {
    throw new StructureError('BLOCK_UNAVAILABLE', `The drive's db at version ${version} could not be read in full within ${timeoutMs} ms per block; retry when a peer is reachable.`, { cause: err })
  } finally {
    await checkout.close().catch(() => {})
    await bee.close().catch(() => {})
    await session.close().catch(() => {})
  }
}
