/**
 * The records of the public receipts log and their parsers. Everything read back is parsed
 * again, so a tampered entry surfaces as CORRUPT_ENTRY (see validate.ts).
 */
import { checkAgreement, checkRoots, parseReceipt, parseSealInfo, type HeadJson, type Incident, type IncidentKind, type Receipt, type SealInfo, type SealRef, type TreeNodeJson } from '../seal'
import { keyHex } from './keys'
import { array, head, Invalid, iso, object, oneOf, record, text, uint } from './validate'

const KINDS: readonly IncidentKind[] = ['rewind', 'fork']
const ROOT = /^0x[0-9a-f]{64}$/
const KEY = /^[0-9a-f]{64}$/

/** A head that was sealed although it contradicts an earlier seal of its core. */
export interface Contradiction {
  key: string
  length: number
  kind: IncidentKind
}

export interface BatchRecord {
  v: 1
  /** 0, 1, 2, … in the order batches were written. */
  seq: number
  root: string
  leafCount: number
  /** Every head of the batch, signatures included: enough to rebuild the tree and its proofs. */
  leaves: HeadJson[]
  seal: SealInfo
  /** The block time of the seal, as ISO 8601. */
  sealedAt: string
  contradictions?: Contradiction[]
  /**
   * Roots of earlier batches that the chain no longer held where their receipts said (found at
   * start, see sealer/reseal.ts): this batch sealed their heads again, and their receipts are
   * superseded by this batch's.
   */
  resealOf?: string[]
  /** The seal index entries written with the batch (seal-index.ts); absent before the index. */
  indexEntries?: number
}

export interface ReceiptEntry {
  receipt: Receipt
  /** The seq of the batch that sealed it. */
  batch: number
  /** Set when the head was sealed despite a detected rewind or fork of its core. */
  contradicts?: IncidentKind
  /**
   * The roots of the head's length, left to right (treeHashOf(roots) is the head's tree hash):
   * the sealed tree, checkable and provable without any peer. Absent on entries written before
   * roots were kept.
   */
  roots?: TreeNodeJson[]
}

function contradiction (value: unknown, where: string): Contradiction {
  const json = record(value, where, ['key', 'length', 'kind'])
  return { key: text(json.key, `${where}.key`, KEY), length: uint(json.length, `${where}.length`), kind: oneOf(json.kind, `${where}.kind`, KINDS) }
}

/** A batch as lists show it: everything but its leaves. */
export type BatchSummary = Omit<BatchRecord, 'leaves'>

/**
 * A stored batch without parsing its leaves (only their count): what a page of batches needs,
 * at a cost that does not grow with each leaf's checks. `leaves` comes back unparsed.
 */
export function parseBatchSummary (value: unknown): { summary: BatchSummary, leaves: unknown[] } {
  const json = record(value, 'the batch', ['v', 'seq', 'root', 'leafCount', 'leaves', 'seal', 'sealedAt'], ['contradictions', 'resealOf', 'indexEntries'])
  if (json.v !== 1) throw new Invalid(`batch version ${String(json.v)} is not 1`)
  if (!Array.isArray(json.leaves)) throw new Invalid('leaves must be an array')
  const summary: BatchSummary = {
    v: 1,
    seq: uint(json.seq, 'seq'),
    root: text(json.root, 'root', ROOT),
    leafCount: uint(json.leafCount, 'leafCount'),
    seal: parseSealInfo(json.seal),
    sealedAt: iso(json.sealedAt, 'sealedAt')
  }
  if (json.leaves.length !== summary.leafCount || summary.seal.leafCount !== summary.leafCount) throw new Invalid('leafCount does not match the leaves and the seal')
  if (summary.seal.root !== summary.root) throw new Invalid('the seal is for another root')
  if (json.contradictions !== undefined) summary.contradictions = array(json.contradictions, 'contradictions', contradiction)
  if (json.resealOf !== undefined) summary.resealOf = array(json.resealOf, 'resealOf', (v, where) => text(v, where, ROOT))
  if (json.indexEntries !== undefined) summary.indexEntries = uint(json.indexEntries, 'indexEntries')
  return { summary, leaves: json.leaves }
}

export function parseBatchRecord (value: unknown): BatchRecord {
  const { summary: s, leaves } = parseBatchSummary(value)
  // The stored field order, so a record read back serialises as it was written.
  const out: BatchRecord = { v: 1, seq: s.seq, root: s.root, leafCount: s.leafCount, leaves: array(leaves, 'leaves', head), seal: s.seal, sealedAt: s.sealedAt }
  if (s.contradictions !== undefined) out.contradictions = s.contradictions
  if (s.resealOf !== undefined) out.resealOf = s.resealOf
  if (s.indexEntries !== undefined) out.indexEntries = s.indexEntries
  return out
}

/** A head's roots as a receipt entry keeps them; they must hash to the head's tree hash. */
export function roots (value: unknown, owner: Pick<HeadJson, 'length' | 'treeHash'>, where: string): TreeNodeJson[] {
  const check = checkRoots(value, owner)
  if (!check.ok) throw new Invalid(`${where}: ${check.reason}`)
  return check.roots
}

export function parseReceiptEntry (value: unknown): ReceiptEntry {
  const json = record(value, 'the receipt entry', ['receipt', 'batch'], ['contradicts', 'roots'])
  const out: ReceiptEntry = { receipt: parseReceipt(json.receipt), batch: uint(json.batch, 'batch') }
  if (json.contradicts !== undefined) out.contradicts = oneOf(json.contradicts, 'contradicts', KINDS)
  if (json.roots !== undefined) out.roots = roots(json.roots, out.receipt.head, 'roots')
  return out
}

function sealRef (value: unknown, where: string): SealRef {
  const json = record(value, where, ['root', 'txHash', 'blockNumber'])
  return { root: text(json.root, `${where}.root`, ROOT), txHash: text(json.txHash, `${where}.txHash`, ROOT), blockNumber: uint(json.blockNumber, `${where}.blockNumber`) }
}

export function parseIncident (value: unknown): Incident {
  const json = record(value, 'the incident', ['key', 'kind', 'detectedAt', 'sealed', 'observed', 'evidence'], ['agreed', 'sealedIn'])
  const key = keyHex(text(json.key, 'key', /^[0-9a-fA-F]{64}$/))
  const sealed = head(json.sealed, 'sealed')
  const observed = head(json.observed, 'observed')
  if (sealed.key !== key || observed.key !== key) throw new Invalid('both heads must be heads of the incident\'s core')
  const evidence = object(json.evidence, 'evidence')
  const out: Incident = { key, kind: oneOf(json.kind, 'kind', KINDS), detectedAt: iso(json.detectedAt, 'detectedAt'), sealed, observed, evidence }
  if (json.agreed !== undefined) {
    // Shape and proof: the nodes must grow into both heads' trees (signatures are the verifier's).
    const check = checkAgreement(json.agreed, sealed, observed)
    if (!check.ok) throw new Invalid(`agreed: ${check.reason}`)
    out.agreed = check.agreement
  }
  if (json.sealedIn !== undefined) out.sealedIn = sealRef(json.sealedIn, 'sealedIn')
  return out
}

/**
 * What makes two incidents the same incident: kind and the pair of heads (length, fork, tree
 * hash). A fork has no direction, so its pair is taken in either order.
 */
export function incidentIdentity (i: Pick<Incident, 'key' | 'kind' | 'sealed' | 'observed'>): string {
  const h = (x: HeadJson): string => `${x.length}:${x.fork}:${x.treeHash}`
  const pair = [h(i.sealed), h(i.observed)]
  if (i.kind === 'fork') pair.sort()
  return `${i.key}|${i.kind}|${pair.join('|')}`
}
