/**
 * A structure version's verdict from its parts, the same for the service and the independent
 * CLI: a Hyperbee version is its core's length (one part, `db`); a Hyperdrive version is its db
 * at `version` and its blobs core at the length that version references (read from the db at that
 * version). Each part is verified by the caller's own path (the one evidence path); src/verify
 * `composeStructure` makes the structure's verdict.
 */
import { composeStructure, type PartVerdictInput, type Verdict } from '../verify'
import type { AutobaseInfo } from './autobase'
import type { Structure } from './recognise'

export interface PartsOfVersion {
  /** The blobs length drive `version` references; null while the db replica is shorter than `version`. */
  blobsLength (): Promise<number | null>
  /** The verdict of the blobs core at `length`. */
  verifyBlobs (key: string, length: number): Promise<Verdict>
}

/** `db` is the verdict of the structure's own core at `version`; a plain core's is returned as it is. */
export async function structureVerdict (structure: Structure | null, key: string, version: number, db: Verdict, parts: PartsOfVersion): Promise<Verdict> {
  if (structure === null || structure.kind === 'core' || structure.kind === 'autobase') return db
  const own: PartVerdictInput = { role: 'db', key, version, verdict: db }
  if (structure.kind === 'hyperbee') return composeStructure('hyperbee', key, version, [own])
  const blobs: PartVerdictInput = { role: 'blobs', key: structure.blobs, version: 0, verdict: null }
  const length = await parts.blobsLength()
  if (length === null) blobs.note = `the blobs length of version ${version} is read once the db replica reaches it`
  else {
    blobs.version = length
    if (length === 0) blobs.note = `version ${version} references no blob`
    else blobs.verdict = await parts.verifyBlobs(structure.blobs, length)
  }
  return composeStructure('hyperdrive', key, version, [own, blobs])
}

export interface AutobaseParts {
  /** The system core followed now (it holds every earlier system history as its prologue). */
  system: string
  /** The verdict of the core `key` at `length`. */
  verify (key: string, length: number): Promise<Verdict>
  /** The system core's info record at or below `length` (the views' keys and indexed lengths then). */
  infoAt (length: number): Promise<AutobaseInfo | null>
}

/**
 * An Autobase version is its system core's length: the system core at `version`, and each view
 * at the indexed length the info record at that version names (under the key it had then: an
 * old key's sealed history stays verifiable after a migration).
 */
export async function autobaseVerdict (key: string, version: number, parts: AutobaseParts): Promise<Verdict> {
  const system = await parts.verify(parts.system, version)
  const inputs: PartVerdictInput[] = [{ role: 'system', key: parts.system, version, verdict: system }]
  const info = system.replica.length >= version ? await parts.infoAt(version) : null
  for (const view of info?.views ?? []) {
    if (view.length === 0) inputs.push({ role: 'view', key: view.key, version: 0, verdict: null, note: `view ${view.key.slice(0, 16)}… is empty at system length ${version}` })
    else inputs.push({ role: 'view', key: view.key, version: view.length, verdict: await parts.verify(view.key, view.length) })
  }
  return composeStructure('autobase', key, version, inputs)
}
