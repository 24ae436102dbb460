/**
 * Checking a record proof: pure, synchronous, no Node API beyond what src/seal uses (Buffer,
 * sodium-native), so a browser bundle can carry it. For each part, its receipt is checked in full
 * by the verifier (`checkSealed`: the writer's signature, the batch proof, the pinned chain and
 * contract, the block, the transaction, finality), then its blocks and nodes must fold into the
 * receipt's sealed tree hash (tree.ts). Then the record is read from the proven blocks only: the
 * block itself, the Hyperbee lookup at the version (hyperbee.ts), or the drive entry and its blob
 * blocks (hyperdrive.ts). Any flaw is a refusal with a closed code, never an exception.
 */
import { TreeFault, type Receipt } from '../seal'
import type { TrustPolicy } from '../trust'
import { checkSealed, type ChainEvidence, type Check, type VerdictChain } from '../verify'
import { ProofError } from './errors'
import { parseRecordProof, type PartRole, type ProofPart, type RecordProof } from './format'
import { readRecord, type ProvenRecord } from './record'
import { proofNodeIndexes, treeHashFromBlocks } from './tree'

export type ProofFailure =
  | 'BAD_PROOF' // not a well-formed v1 record proof
  | 'BAD_SEAL' // a part's receipt fails its own or the chain's checks
  | 'TREE_MISMATCH' // a part's blocks and nodes do not fold into the sealed tree hash
  | 'WRONG_CORE' // a part's receipt is of another core than the proof names
  | 'BAD_RECORD' // the proven blocks do not show the record the proof claims

export interface ProofCheck {
  check: Check['check'] | 'proof' | 'tree' | 'record'
  ok: boolean | null
  detail: string
  /** The part a check is about. */
  part?: PartRole
}

export interface ProvenPart {
  role: PartRole
  key: string
  /** The sealed length the blocks were proven at. */
  length: number
  sealedAt: string
  final: boolean
  chain: VerdictChain
}

export type RecordProofResult =
  | ({ ok: true, type: RecordProof['type'], key: string, sealedAt: string, final: boolean, parts: ProvenPart[], statement: string, checks: ProofCheck[] } & ProvenRecord)
  | { ok: false, code: ProofFailure, reason: string, checks: ProofCheck[] }

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()

export interface SealedPart { part: ProofPart, receipt: Receipt }

export function checkRecordProof (document: unknown, chain: ChainEvidence, trust: TrustPolicy): RecordProofResult {
  const checks: ProofCheck[] = []
  const fail = (code: ProofFailure, reason: string, check: ProofCheck['check'], part?: PartRole): RecordProofResult => {
    checks.push({ check, ok: false, detail: reason, ...(part ? { part } : {}) })
    return { ok: false, code, reason, checks }
  }
  let proof: RecordProof
  try {
    proof = parseRecordProof(document)
  } catch (err) {
    if (err instanceof ProofError) return fail('BAD_PROOF', err.message, 'proof')
    throw err
  }
  checks.push({ check: 'proof', ok: true, detail: `A v1 ${proof.type} proof of ${proof.key.slice(0, 16)}… with ${proof.parts.length} part(s).` })

  const sealed: SealedPart[] = []
  const proven: ProvenPart[] = []
  for (const part of proof.parts) {
    const seal = checkSealed(part.receipt, chain, trust)
    checks.push(...seal.checks.map((c) => ({ ...c, part: part.role })))
    if (!seal.ok) return { ok: false, code: 'BAD_SEAL', reason: `The ${part.role} part's seal does not hold: ${seal.reason}`, checks }
    const head = seal.receipt.head
    if (part.role !== 'blobs' && head.key !== proof.key) return fail('WRONG_CORE', `The ${part.role} part's receipt is of core ${head.key}, not ${proof.key}.`, 'tree', part.role)
    try {
      // The nodes' indexes follow from the blocks: a node can only stand where the fold needs one.
      const indexes = proofNodeIndexes(head.length, part.blocks.map((b) => b.index))
      if (indexes.length !== part.nodes.length) throw new TreeFault(`the fold needs ${indexes.length} nodes, the part carries ${part.nodes.length}`)
      const hash = treeHashFromBlocks(head.length, part.blocks, part.nodes.map((n, i) => ({ index: indexes[i], size: n.size, hash: n.hash })))
      if (hash.toString('hex') !== head.treeHash) {
        return fail('TREE_MISMATCH', `The ${part.role} part's blocks and nodes fold into tree ${hash.toString('hex').slice(0, 16)}…, not the sealed tree ${head.treeHash.slice(0, 16)}… at length ${head.length}.`, 'tree', part.role)
      }
    } catch (err) {
      if (!(err instanceof TreeFault)) throw err
      return fail('TREE_MISMATCH', `The ${part.role} part's blocks and nodes do not make the tree at length ${head.length}: ${err.message}.`, 'tree', part.role)
    }
    checks.push({ check: 'tree', ok: true, detail: `Block${part.blocks.length === 1 ? '' : 's'} ${blockList(part)} of ${head.key.slice(0, 16)}… are in the tree sealed at length ${head.length}.`, part: part.role })
    sealed.push({ part, receipt: seal.receipt })
    proven.push({ role: part.role, key: head.key, length: head.length, sealedAt: iso(seal.receipt.seal.timestamp), final: seal.final, chain: seal.chain })
  }

  const record = readRecord(proof, sealed)
  if (!record.ok) return fail('BAD_RECORD', record.reason, 'record')
  checks.push({ check: 'record', ok: true, detail: record.statement })
  const latest = Math.max(...sealed.map((s) => s.receipt.seal.timestamp))
  const sealedAt = iso(latest)
  return {
    ok: true,
    type: proof.type,
    key: proof.key,
    sealedAt,
    final: proven.every((p) => p.final),
    parts: proven,
    statement: `${record.statement} existed, with these bytes, no later than ${sealedAt}.`,
    checks,
    ...record.record
  }
}

function blockList (part: ProofPart): string {
  const idx = part.blocks.map((b) => b.index)
  return idx.length <= 4 ? idx.join(', ') : `${idx[0]}…${idx[idx.length - 1]} (${idx.length})`
}
