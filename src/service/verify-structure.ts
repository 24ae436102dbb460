/**
 * `verify <key> <version>` for a structure: a Hyperdrive version is its db at `version` and its
 * blobs core at the length that version references (read from the db at that version); a
 * Hyperbee version is its core's length. Each part is verified on its own through verifyCore
 * (the one evidence path); the pure src/verify `composeStructure` makes the structure's verdict.
 */
import { HeadsError, keyHex, parseKey } from '../heads'
import { blobsLengthAt, StructureError } from '../structures'
import { composeStructure, type PartVerdictInput, type Verdict } from '../verify'
import type { StructureRegistry } from './structures'
import { verifyCore, type VerifyDeps } from './verify-core'

export async function verifyWatched (deps: VerifyDeps & { structures: StructureRegistry }, key: string, version: number): Promise<Verdict> {
  const hex = keyHex(parseKey(key))
  const structure = hex === deps.log.key.toString('hex') || await deps.journal.getWatch(hex) === null
    ? null
    : await deps.structures.structureOf(hex, deps.updateTimeoutMs).catch(() => null)
  const db = await verifyCore(deps, hex, version)
  if (structure === null || structure.kind === 'core') return db
  if (structure.kind === 'hyperbee') return composeStructure('hyperbee', hex, version, [{ role: 'db', key: hex, version, verdict: db }])

  const blobs: PartVerdictInput = { role: 'blobs', key: structure.blobs, version: 0, verdict: null }
  if (db.replica.length < version) {
    blobs.note = `the blobs length of version ${version} is read once the db replica reaches it`
  } else {
    const core = await deps.structures.session(hex)
    let length: number
    try {
      length = await blobsLengthAt(core, version, deps.updateTimeoutMs)
    } finally {
      await core.close().catch(() => {})
    }
    blobs.version = length
    if (length === 0) blobs.note = `version ${version} references no blob`
    else {
      try {
        blobs.verdict = await verifyCore(deps, structure.blobs, length)
      } catch (err) {
        if (!(err instanceof HeadsError && err.code === 'NOT_WATCHED')) throw err
        throw new StructureError('NOT_FOUND', `The drive's blobs core ${structure.blobs} is not watched, so version ${version} cannot be verified; watch the drive again.`, { cause: err })
      }
    }
  }
  return composeStructure('hyperdrive', hex, version, [{ role: 'db', key: hex, version, verdict: db }, blobs])
}
