/**
 * Hyperbee 2's blocks, decoded without Hyperbee (hyperbee `lib/messages.js`, from `schema.proto`):
 *
 *   block 0 = Header  { 1: string protocol ("hyperbee"), 2: Metadata { 1: bytes contentFeed, 2: bytes userData } }
 *   block n = Node    { 1: bytes index (a YoloIndex), 2: bytes key, 3: bytes value (absent: a deletion) }
 *   YoloIndex         { 1: repeated Level levels }
 *   Level             { 1: packed uint64 keys, 2: packed uint64 children }
 *
 * A level's `keys` are sequence numbers of the blocks holding each key, in key order; `children`
 * are pairs (seq, offset): the child's block and the level inside that block's index. The B-tree
 * at version v has its root at level 0 of block v-1 (versions 0 and 1: empty). `lookup` walks it
 * exactly as hyperbee's `get` does (index.js `_get`), so a proof that carries the blocks it visits
 * decides `get(key)` at that version. A Hyperdrive is a Hyperbee whose header has `metadata`.
 */
import { ProtoReader, ProtobufFault } from './protobuf'

export interface BeeHeader {
  protocol: string
  /** Present (maybe empty) on a Hyperdrive's db; absent on a plain Hyperbee. */
  metadata: { contentFeed: Uint8Array | null, userData: Uint8Array | null } | null
}

export interface BeeLevel { keys: number[], children: Array<{ seq: number, offset: number }> }

export interface BeeNode {
  levels: BeeLevel[]
  key: Uint8Array
  /** null: the block records a deletion of `key`. */
  value: Uint8Array | null
}

export { ProtobufFault }

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function decodeHeader (block: Uint8Array): BeeHeader {
  const r = new ProtoReader(block)
  let protocol: string | null = null
  let metadata: BeeHeader['metadata'] = null
  while (!r.done) {
    const { tag, type } = r.field()
    if (tag === 1 && type === 2) protocol = utf8.decode(r.bytes())
    else if (tag === 2 && type === 2) metadata = decodeMetadata(r.bytes())
    else r.skip(type)
  }
  if (protocol === null) throw new ProtobufFault('the header has no protocol')
  return { protocol, metadata }
}

function decodeMetadata (buf: Uint8Array): NonNullable<BeeHeader['metadata']> {
  const r = new ProtoReader(buf)
  const out: NonNullable<BeeHeader['metadata']> = { contentFeed: null, userData: null }
  while (!r.done) {
    const { tag, type } = r.field()
    if (tag === 1 && type === 2) out.contentFeed = r.bytes()
    else if (tag === 2 && type === 2) out.userData = r.bytes()
    else r.skip(type)
  }
  return out
}

export function decodeNode (block: Uint8Array): BeeNode {
  const r = new ProtoReader(block)
  let index: Uint8Array | null = null
  let key: Uint8Array | null = null
  let value: Uint8Array | null = null
  while (!r.done) {
    const { tag, type } = r.field()
    if (tag === 1 && type === 2) index = r.bytes()
    else if (tag === 2 && type === 2) key = r.bytes()
    else if (tag === 3 && type === 2) value = r.bytes()
    else r.skip(type)
  }
  if (index === null || key === null) throw new ProtobufFault('a node needs an index and a key')
  return { levels: decodeIndex(index), key, value }
}

function decodeIndex (buf: Uint8Array): BeeLevel[] {
  const r = new ProtoReader(buf)
  const levels: BeeLevel[] = []
  while (!r.done) {
    const { tag, type } = r.field()
    if (tag === 1 && type === 2) levels.push(decodeLevel(r.bytes()))
    else r.skip(type)
  }
  return levels
}

function decodeLevel (buf: Uint8Array): BeeLevel {
  const r = new ProtoReader(buf)
  const keys: number[] = []
  const flat: number[] = []
  while (!r.done) {
    const { tag, type } = r.field()
    if (tag === 1 && type === 2) keys.push(...r.packed())
    else if (tag === 1 && type === 0) keys.push(r.varint())
    else if (tag === 2 && type === 2) flat.push(...r.packed())
    else if (tag === 2 && type === 0) flat.push(r.varint())
    else r.skip(type)
  }
  if (flat.length % 2 !== 0) throw new ProtobufFault('a level has an odd number of child fields')
  const children: BeeLevel['children'] = []
  for (let i = 0; i < flat.length; i += 2) children.push({ seq: flat[i], offset: flat[i + 1] })
  return { keys, children }
}

export function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1
  return a.byteLength === b.byteLength ? 0 : a.byteLength < b.byteLength ? -1 : 1
}

/** What `get(key)` found at a version: the block holding the entry, or null (absent or deleted). */
export interface LookupResult { seq: number, node: BeeNode }

/** Blocks one lookup may read before it is refused: far above any real B-tree's depth × fan-out. */
export const MAX_LOOKUP_BLOCKS = 4096

/**
 * hyperbee `_get` as a generator: it yields the sequence number of each block it needs and is
 * resumed with that block decoded. The prover drives it over a replica (async), the checker over
 * the proven blocks (sync), so both walk the same path.
 */
export function * lookup (key: Uint8Array, version: number): Generator<number, LookupResult | null, BeeNode> {
  if (version < 2) return null
  let reads = 0
  const read = function * (seq: number): Generator<number, BeeNode, BeeNode> {
    if (++reads > MAX_LOOKUP_BLOCKS) throw new ProtobufFault(`the lookup needs more than ${MAX_LOOKUP_BLOCKS} blocks`)
    if (!Number.isSafeInteger(seq) || seq < 1 || seq >= version) throw new ProtobufFault(`the B-tree points at block ${seq}, outside 1..${version - 1}`)
    return yield seq
  }
  let seq = version - 1
  let block = yield * read(seq)
  let level = 0
  for (;;) {
    const here = block.levels[level]
    if (here === undefined) throw new ProtobufFault(`block ${seq} has no level ${level}`)
    if (compareBytes(block.key, key) === 0) {
      // hyperbee isDeletion: no value and the block's own index does not hold its own key.
      const deleted = block.value === null && !block.levels.some((l) => l.keys.includes(seq))
      return deleted ? null : { seq, node: block }
    }
    let s = 0
    let e = here.keys.length
    let c = 0
    while (s < e) {
      const mid = (s + e) >> 1
      const keySeq = here.keys[mid]
      const keyBlock = keySeq === seq ? block : yield * read(keySeq)
      c = compareBytes(key, keyBlock.key)
      if (c === 0) return { seq: keySeq, node: keyBlock }
      if (c < 0) e = mid
      else s = mid + 1
    }
    if (here.children.length === 0) return null
    const child = here.children[c < 0 ? e : s]
    if (child === undefined) throw new ProtobufFault(`block ${seq} level ${level} lacks child ${c < 0 ? e : s}`)
    if (child.seq !== seq) block = yield * read(child.seq)
    seq = child.seq
    level = child.offset
  }
}
