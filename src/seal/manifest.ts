/**
 * Hypercore 11's manifest, decoded and encoded with compact-encoding in the layouts of
 * hypercore 11.37.1 `lib/messages.js` (`manifest`, `manifestv0`, `signer`, `prologue`).
 * Every `uint` is compact-encoding's varint (1 byte below 0xfd, then 0xfd+u16, 0xfe+u32,
 * 0xff+u64, all little-endian).
 *
 *   signer      = uint sigType(0 = ed25519) ‖ namespace(32) ‖ publicKey(32)
 *   prologue    = treeHash(32) ‖ uint length
 *
 *   v1, v2, v3  = uint version ‖ uint flags ‖ uint hash(0 = blake2b) ‖ uint quorum
 *                 ‖ uint signerCount ‖ signer*
 *                 ‖ [prologue]                        when flags & 2
 *                 ‖ [uint linkedCount ‖ key(32)*]     when flags & 4
 *                 ‖ [uint byteLength ‖ userData]      when flags & 8
 *                 flags: 1 = allowPatch, 2 = prologue, 4 = linked, 8 = userData
 *
 *   v0          = uint version(0) ‖ uint hash(0) ‖ uint type, then by type:
 *                 0: prologueHash(32)            (no signers, quorum 0, prologue length 0)
 *                 1: signer                      (quorum 1, no patch)
 *                 2: uint flags(1 = allowPatch) ‖ uint quorum ‖ uint signerCount ‖ signer*
 *
 * Versions 2 and 3 differ from 1 only in what Hypercore lets a writer put in them (linked cores,
 * user data); they are signed the same way. Hypercore's decoder ignores unknown flag bits and
 * trailing bytes, then hashes its own re-encoding for the key; we accept only the canonical
 * encoding (the bytes our encoder gives back), so the key we hash is the key Hypercore hashes.
 */
import { SealError } from './errors'
import { DEFAULT_NAMESPACE } from './hypercore-caps'
import { decodeWith, encodeWith, type DecodeState, type Writer } from './compact'

export const MANIFEST_VERSIONS = [0, 1, 2, 3] as const

const FLAG_PATCH = 1
const FLAG_PROLOGUE = 2
const FLAG_LINKED = 4
const FLAG_USER_DATA = 8
const KNOWN_FLAGS = FLAG_PATCH | FLAG_PROLOGUE | FLAG_LINKED | FLAG_USER_DATA

const V0_STATIC = 0
const V0_SINGLE = 1
const V0_MULTI = 2

const SIGNER_BYTES = 1 + 32 + 32

export interface ManifestSigner {
  namespace: Buffer
  publicKey: Buffer
}

/** A prefix of the core, fixed by its tree hash: heads up to its length need no signature. */
export interface Prologue {
  hash: Buffer
  length: number
}

export interface Manifest {
  version: 0 | 1 | 2 | 3
  allowPatch: boolean
  quorum: number
  signers: ManifestSigner[]
  prologue: Prologue | null
  linked: Buffer[] | null
  userData: Buffer | null
}

function manifestError (why: string): SealError {
  return new SealError('BAD_MANIFEST', `The head's manifest is not a Hypercore 11 manifest: ${why}.`)
}

function readSigners (s: DecodeState): ManifestSigner[] {
  const count = s.count(SIGNER_BYTES)
  const signers: ManifestSigner[] = []
  for (let i = 0; i < count; i++) signers.push(readSigner(s))
  return signers
}

function readSigner (s: DecodeState): ManifestSigner {
  const type = s.uint()
  if (type !== 0) throw s.fail(`signature type ${type} is not Ed25519 (0)`)
  return { namespace: s.fixed32(), publicKey: s.fixed32() }
}

function readHashId (s: DecodeState): void {
  const hash = s.uint()
  if (hash !== 0) throw s.fail(`hash id ${hash} is not BLAKE2b (0)`)
}

function decodeV0 (s: DecodeState): Manifest {
  readHashId(s)
  const type = s.uint()
  const base = { version: 0 as const, linked: null, userData: null }
  if (type === V0_STATIC) {
    return { ...base, allowPatch: false, quorum: 0, signers: [], prologue: { hash: s.fixed32(), length: 0 } }
  }
  if (type === V0_SINGLE) return { ...base, allowPatch: false, quorum: 1, signers: [readSigner(s)], prologue: null }
  if (type !== V0_MULTI) throw s.fail(`v0 type ${type} is unknown`)
  const flags = s.uint()
  if ((flags & ~FLAG_PATCH) !== 0) throw s.fail(`v0 flags ${flags} are unknown`)
  return { ...base, allowPatch: flags === FLAG_PATCH, quorum: s.uint(), signers: readSigners(s), prologue: null }
}

function decodeV1 (s: DecodeState, version: 1 | 2 | 3): Manifest {
  const flags = s.uint()
  if ((flags & ~KNOWN_FLAGS) !== 0) throw s.fail(`flags ${flags} have unknown bits`)
  readHashId(s)
  const quorum = s.uint()
  const signers = readSigners(s)
  const prologue = (flags & FLAG_PROLOGUE) !== 0 ? { hash: s.fixed32(), length: s.uint() } : null
  let linked: Buffer[] | null = null
  if ((flags & FLAG_LINKED) !== 0) {
    const count = s.count(32)
    linked = []
    for (let i = 0; i < count; i++) linked.push(s.fixed32())
  }
  const userData = (flags & FLAG_USER_DATA) !== 0 ? s.buffer() : null
  return { version, allowPatch: (flags & FLAG_PATCH) !== 0, quorum, signers, prologue, linked, userData }
}

/** Decodes a manifest; throws BAD_MANIFEST for anything but a canonical encoding. */
export function decodeManifest (bytes: Uint8Array): Manifest {
  const manifest = decodeWith(bytes, manifestError, (s) => {
    const version = s.uint()
    if (version === 0) return decodeV0(s)
    if (version === 1 || version === 2 || version === 3) return decodeV1(s, version)
    throw s.fail(`version ${version} is unknown (Hypercore 11 knows 0 to 3)`)
  })
  if (!encodeManifest(manifest).equals(bytes)) throw manifestError('it is not in canonical form (as Hypercore would re-encode it)')
  return manifest
}

function writeSigner (w: Writer, signer: ManifestSigner): void {
  w.uint(0)
  w.fixed32(signer.namespace)
  w.fixed32(signer.publicKey)
}

/** The v0 type Hypercore's encoder picks for this manifest. */
function v0Type (m: Manifest): number {
  if (m.prologue !== null && m.signers.length === 0) return V0_STATIC
  if (m.quorum === 1 && m.signers.length === 1 && !m.allowPatch) return V0_SINGLE
  return V0_MULTI
}

function writeV0 (w: Writer, m: Manifest): void {
  w.uint(0) // hash: blake2b
  const type = v0Type(m)
  w.uint(type)
  if (type === V0_STATIC) {
    w.fixed32((m.prologue as Prologue).hash)
  } else if (type === V0_SINGLE) {
    writeSigner(w, m.signers[0])
  } else {
    w.uint(m.allowPatch ? FLAG_PATCH : 0)
    w.uint(m.quorum)
    w.uint(m.signers.length)
    for (const signer of m.signers) writeSigner(w, signer)
  }
}

function writeV1 (w: Writer, m: Manifest): void {
  w.uint((m.allowPatch ? FLAG_PATCH : 0) | (m.prologue !== null ? FLAG_PROLOGUE : 0) |
    (m.linked !== null ? FLAG_LINKED : 0) | (m.userData !== null ? FLAG_USER_DATA : 0))
  w.uint(0) // hash: blake2b
  w.uint(m.quorum)
  w.uint(m.signers.length)
  for (const signer of m.signers) writeSigner(w, signer)
  if (m.prologue !== null) {
    w.fixed32(m.prologue.hash)
    w.uint(m.prologue.length)
  }
  if (m.linked !== null) {
    w.uint(m.linked.length)
    for (const key of m.linked) w.fixed32(key)
  }
  if (m.userData !== null) w.buffer(m.userData)
}

/** The manifest's bytes, as Hypercore's `getManifest({ raw: true })` gives them. */
export function encodeManifest (manifest: Manifest): Buffer {
  return encodeWith((w) => {
    w.uint(manifest.version)
    if (manifest.version === 0) writeV0(w, manifest)
    else writeV1(w, manifest)
  })
}

/** The manifest of a default writer (`new Hypercore()`, `store.get({ name })`). */
export function defaultManifest (publicKey: Uint8Array, namespace: Uint8Array = DEFAULT_NAMESPACE): Manifest {
  return {
    version: 1,
    allowPatch: false,
    quorum: 1,
    signers: [{ namespace: Buffer.from(namespace), publicKey: Buffer.from(publicKey) }],
    prologue: null,
    linked: null,
    userData: null
  }
}
