/**
 * `verify <key> <version>` for a structure on the service's replicas: each part through
 * verifyCore (the one evidence path), composed by src/structures `structureVerdict` (a drive's
 * blobs length read from the db replica at that version).
 */
import { HeadsError, keyHex, parseKey } from '../heads'
import { autobaseVerdict, blobsLengthAt, StructureError, structureVerdict, systemInfoAt } from '../structures'
import type { Verdict } from '../verify'
import type { StructureRegistry } from './structures'
import { verifyCore, type VerifyDeps } from './verify-core'

export async function verifyWatched (deps: VerifyDeps & { structures: StructureRegistry }, key: string, version: number): Promise<Verdict> {
  const hex = keyHex(parseKey(key))
  const structure = hex === deps.log.key.toString('hex') || await deps.journal.getWatch(hex) === null
    ? null
    : await deps.structures.structureOf(hex, deps.updateTimeoutMs).catch(() => null)
  const base = structure?.kind === 'autobase' ? deps.structures.autobases.get(hex) : undefined
  if (base !== undefined) {
    return await autobaseVerdict(hex, version, {
      system: base.system,
      verify: (key, length) => verifyCore(deps, key, length),
      infoAt: async (length) => {
        const core = await deps.structures.session(base.system)
        try {
          return await systemInfoAt(core, deps.updateTimeoutMs, length)
        } finally {
          await core.close().catch(() => {})
        }
      }
    })
  }
  const db = await verifyCore(deps, hex, version)
  return await structureVerdict(structure, hex, version, db, {
    blobsLength: async () => {
      if (db.replica.length < version) return null
      const core = await deps.structures.session(hex)
      try {
        return await blobsLengthAt(core, version, deps.updateTimeoutMs)
      } finally {
        await core.close().catch(() => {})
      }
    },
    verifyBlobs: async (blobs, length) => {
      try {
        return await verifyCore(deps, blobs, length)
      } catch (err) {
        if (!(err instanceof HeadsError && err.code === 'NOT_WATCHED')) throw err
        throw new StructureError('NOT_FOUND', `The drive's blobs core ${blobs} is not watched, so version ${version} cannot be verified; watch the drive again.`, { cause: err })
      }
    }
  })
}
