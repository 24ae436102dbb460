/**
 * verify(input) → Verdict: receipts, incidents, a replica view, the chain's raw answers and the
 * pinned trust policy in; a verdict out. No I/O, synchronous. Decision order (README.md in this
 * folder has the reasoning):
 *
 * 1. invalid: a receipt of the list is malformed or of another core; an incident of this core
 *    is not valid evidence; a selected seal fails its own checks (form, manifest → key, writer
 *    signature, Merkle proof) or the chain (trust root, contract code, sealedAt, block, transaction
 *    and its log); a remote replica's proof does not verify, or cannot establish the tree it is
 *    asked about (the verdict is then about the peer, never `fork`).
 * 2. fork: a fork incident whose histories part below the version (blocks 0..agreed-1 stay good).
 * 3. rewind: a rewind incident withdrew the deciding seal above the version's part kept.
 * 4. the replica against the deciding seal (verified, fork, rewind, stale), or, when it is
 *    shorter or nothing covers the version, against the latest seal it reaches: a replica that
 *    conflicts with a seal is `fork`/`rewind` whatever its length; else `behind` / `pending`.
 */
import { treeHashOf, type HeadJson, type Receipt } from '../seal'
import { VerifyError } from './errors'
import { incidentsOf, sameHead, type CheckedIncident } from './incidents'
import { checkChainEvidence, checkReplicaView, isRecord, parseKey, parseList, parseVersion } from './input'
import { announced, relate, type Relation } from './replica-check'
import { checkAnchors, earliestFinal, primaryClock } from './anchor-check'
import { checkSealed } from './seal-check'
import { selectReceipts } from './select'
import type { Assessment, Check, Finding, SealedRoots, VerdictChain, VerdictStatus, Verdict, VerifyInput } from './types'

const STATUS_OF: Record<Finding, VerdictStatus> = {
  MATCH: 'verified',
  MATCH_KEPT_PART: 'verified',
  NOT_SEALED: 'pending',
  REPLICA_SHORTER: 'behind',
  TRUNCATED_BELOW_SEAL: 'rewind',
  TREE_DIFFERS_NEWER_FORK: 'rewind',
  STALE_REPLICA: 'rewind',
  REWIND_INCIDENT: 'rewind',
  TREE_DIFFERS_SAME_FORK: 'fork',
  FORK_INCIDENT: 'fork',
  BAD_RECEIPT: 'invalid',
  OTHER_CORE: 'invalid',
  BAD_MANIFEST: 'invalid',
  KEY_MISMATCH: 'invalid',
  BAD_SIGNATURE: 'invalid',
  BAD_PROOF: 'invalid',
  UNTRUSTED_CHAIN: 'invalid',
  UNTRUSTED_CONTRACT: 'invalid',
  WRONG_CHAIN: 'invalid',
  NOT_HYPERSEAL_CODE: 'invalid',
  NOT_ON_CHAIN: 'invalid',
  SEAL_MISMATCH: 'invalid',
  BLOCK_MISMATCH: 'invalid',
  TX_MISMATCH: 'invalid',
  BAD_ANCHOR: 'invalid',
  BAD_INCIDENT: 'invalid',
  BAD_PREFIX_PROOF: 'invalid',
  PEER_PROOF_INCONCLUSIVE: 'invalid'
}

const short = (hash: string | null): string => (hash === null ? '(none)' : hash.slice(0, 16))
const headText = (h: { length: number, fork: number, treeHash: string | null }): string => `length ${h.length}, fork ${h.fork}, tree ${short(h.treeHash)}`

/** A seal that checked out: the verdict fields it gives. */
interface GoodSeal { receipt: Receipt, fields: Partial<Verdict>, checks: Check[] }
type SealResult = { ok: true, seal: GoodSeal } | { ok: false, finding: Finding, reason: string, checks: Check[] }

function checkSeal (receipt: Receipt, input: VerifyInput): SealResult {
  const result = checkSealed(receipt, input.chain, input.trust)
  if (!result.ok) return result
  const { seal } = result.receipt
  return {
    ok: true,
    seal: { receipt, checks: result.checks, fields: { receipt, sealedAt: new Date(seal.timestamp * 1000).toISOString(), final: result.final, chain: result.chain } }
  }
}

/** The deciding seal with its later clocks: `sealedAt` becomes the earliest final clock; a clock that fails fails the seal. */
function withClocks (good: GoodSeal, input: VerifyInput): SealResult {
  const primary = primaryClock(good.receipt, good.fields.final === true, good.fields.chain as VerdictChain)
  const anchors = checkAnchors(good.receipt, input.trust, input.anchors)
  const checks = [...good.checks, ...anchors.checks]
  const clocks = [primary, ...anchors.clocks]
  if (!anchors.ok) return { ok: false, finding: 'BAD_ANCHOR', reason: anchors.reason, checks }
  return { ok: true, seal: { ...good, checks, fields: { ...good.fields, ...earliestFinal(clocks, good.fields.sealedAt as string), clocks } } }
}

/** A rewind incident withdrew `sealed`: it is the incident's sealed head, or was sealed before it on no newer fork. */
function withdraws (i: CheckedIncident, r: Receipt): boolean {
  const { incident } = i
  if (incident.kind !== 'rewind' || r.head.length <= i.agreed.length) return false
  if (sameHead(incident.sealed, r.head)) return true
  return incident.sealedIn !== undefined && r.seal.blockNumber <= incident.sealedIn.blockNumber && r.head.fork <= incident.sealed.fork
}

/** The replica has another tree than a (good) seal: which kind of divergence, by fork ids. */
function divergence (rel: { replica: Verdict['replica'], treeHash: string }, sealed: HeadJson): { finding: Finding, reason: string } {
  const L = sealed.length
  const theirs = `the replica (${headText(rel.replica)}) has tree ${short(rel.treeHash)} at length ${L} where the seal (${headText(sealed)}) has ${short(sealed.treeHash)}`
  if (rel.replica.fork > sealed.fork) return { finding: 'TREE_DIFFERS_NEWER_FORK', reason: `The writer truncated below the sealed length and wrote other data: ${theirs}, on a newer fork id.` }
  if (rel.replica.fork === sealed.fork) return { finding: 'TREE_DIFFERS_SAME_FORK', reason: `The key signed two histories: ${theirs}, on the same fork id.` }
  return { finding: 'STALE_REPLICA', reason: `The replica holds history the writer had already replaced when it was sealed: ${theirs}, on an older fork id.` }
}

/** The verdict and the finding behind it. Throws VerifyError only for a malformed call. */
export function assess (input: VerifyInput): Assessment {
  if (!isRecord(input)) throw new VerifyError('BAD_INPUT', 'verify needs an object { key, version, receipts, replica, chain, trust }.')
  const key = parseKey(input.key)
  const version = parseVersion(input.version)
  const receipts = parseList(input.receipts, 'receipts', false)
  const incidentList = parseList(input.incidents, 'incidents', true)
  const kept = parseList(input.sealedRoots, 'sealed roots', true) as readonly SealedRoots[]
  const view = checkReplicaView(input.replica)
  checkChainEvidence(input.chain)
  const trust = input.trust
  if (!isRecord(trust) || typeof trust.fingerprint !== 'string' || !isRecord(trust.chain)) throw new VerifyError('BAD_INPUT', 'verify needs the trust policy { fingerprint, chain } of a pinned trust root.')
  const incidents = incidentsOf(key, incidentList)

  const checks: Check[] = []
  let base: Verdict = {
    key,
    version,
    status: 'pending',
    sealedAt: null,
    final: false,
    receipt: null,
    replica: announced(view),
    incidents: incidents.incidents,
    reason: '',
    chain: null,
    trust: trust.fingerprint,
    checks
  }
  const answer = (finding: Finding, reason: string, fields: Partial<Verdict> = {}): Assessment =>
    ({ verdict: { ...base, ...fields, status: STATUS_OF[finding], reason, checks }, finding })
  const onRelation = (rel: Relation): void => {
    const ok = rel.kind === 'match' ? true : rel.kind === 'differs' ? false : null
    const detail = rel.kind === 'match' ? (rel.note ?? 'The replica holds the sealed tree.') : rel.kind === 'differs' ? `The replica has tree ${short(rel.treeHash)} there.` : rel.reason
    checks.push({ check: 'replica', ok, detail })
  }

  const selection = selectReceipts(key, version, receipts, view.length)
  if (!selection.ok) {
    checks.push({ check: 'receipts', ok: false, detail: selection.reason })
    return answer(selection.finding, selection.reason, { receipt: selection.receipt })
  }
  checks.push({ check: 'receipts', ok: true, detail: `${receipts.length} receipt${receipts.length === 1 ? '' : 's'} of this core, well-formed.` })
  if (!incidents.ok) {
    checks.push({ check: 'incidents', ok: false, detail: incidents.reason })
    return answer('BAD_INCIDENT', incidents.reason)
  }
  const checked = incidents.checked
  checks.push({ check: 'incidents', ok: true, detail: checked.length === 0 ? 'No incident is recorded for this core.' : `${checked.length} incident${checked.length === 1 ? '' : 's'}, each with two heads signed by the writer.` })

  const { deciding, within } = selection
  let good: GoodSeal | null = null
  if (deciding !== null) {
    const own = checkSeal(deciding, input)
    const result = own.ok ? withClocks(own.seal, input) : own
    checks.push(...(result.ok ? result.seal.checks : result.checks))
    if (!result.ok) return answer(result.finding, result.reason, { receipt: deciding })
    good = result.seal
    base = { ...base, ...good.fields }
  }

  const forks = checked.filter((i) => i.incident.kind === 'fork' && i.agreed.length < version)
  if (forks.length > 0) {
    const { incident, agreed } = forks.reduce((a, b) => (b.agreed.length < a.agreed.length ? b : a))
    return answer('FORK_INCIDENT', `A recorded fork shows this core's key signed two histories, (${headText(incident.sealed)}) and (${headText(incident.observed)}), proven to agree only up to length ${agreed.length}: version ${version} reaches past that, so no history of it can be called the one.`)
  }

  /** Checks a seal other than the deciding one before it may decide. */
  const otherSeal = (r: Receipt): SealResult => (r === deciding && good !== null ? { ok: true, seal: good } : checkSeal(r, input))
  /** The replica against a seal it reaches: the assessment when they conflict (or the proof fails), else the replica's proven head. */
  const conflict = (seal: GoodSeal): Assessment | { replica: Verdict['replica'] } => {
    const rel = relate(seal.receipt.head, view, kept)
    onRelation(rel)
    if (rel.kind === 'inconclusive') return answer('PEER_PROOF_INCONCLUSIVE', rel.reason, { ...seal.fields, replica: rel.replica, sealedAt: null, final: false })
    if (rel.kind === 'bad-proof') return answer('BAD_PREFIX_PROOF', `${rel.reason.replace(/\.$/, '')}, so the peer's history cannot be trusted.`, { ...seal.fields, replica: rel.replica, sealedAt: null, final: false })
    const withdrawn = checked.find((i) => withdraws(i, seal.receipt))
    if (rel.kind === 'differs') {
      // A replica that follows the writer past a recorded rewind differs from the withdrawn seal: that is the incident, not news.
      if (withdrawn !== undefined && rel.replica.fork >= withdrawn.incident.observed.fork) return { replica: rel.replica }
      const d = divergence(rel, seal.receipt.head)
      return answer(d.finding, d.reason, { ...seal.fields, replica: rel.replica })
    }
    if (withdrawn !== undefined) {
      return answer('STALE_REPLICA', `The replica holds the sealed head (${headText(seal.receipt.head)}) that the writer later withdrew: its history now continues as (${headText(withdrawn.incident.observed)}), proven the same only up to length ${withdrawn.agreed.length}.`, { ...seal.fields, replica: rel.replica })
    }
    return { replica: rel.replica }
  }
  const decided = (x: Assessment | { replica: Verdict['replica'] }): x is Assessment => 'verdict' in x
  /**
   * Both histories of an incident hold blocks 0..agreed-1 (its agreement proof). When the version
   * is within that part and the replica holds it, the version is verified whichever side the
   * replica and the deciding seal are on: null when no incident keeps the version, or the replica
   * does not hold the kept part.
   */
  const keptPart = (D: Receipt): Assessment | null => {
    const parts = checked.filter((i) => version <= i.agreed.length)
    if (parts.length === 0) return null
    const { incident, agreed } = parts.reduce((a, b) => (b.agreed.length > a.agreed.length ? b : a))
    const part: HeadJson = { ...D.head, length: agreed.length, treeHash: treeHashOf(agreed.roots.map((r) => ({ index: r.index, size: r.size, hash: Buffer.from(r.hash, 'hex') }))).toString('hex') }
    if (view.length < part.length) return null
    const rel = relate(part, view, kept)
    onRelation(rel)
    if (rel.kind === 'inconclusive' || rel.kind === 'bad-proof') return answer(rel.kind === 'bad-proof' ? 'BAD_PREFIX_PROOF' : 'PEER_PROOF_INCONCLUSIVE', rel.reason, { replica: rel.replica, sealedAt: null, final: false })
    if (rel.kind === 'differs') return null
    const what = incident.kind === 'rewind' ? `The writer rewound this core after the seal (to ${headText(incident.observed)})` : `This core's key signed two histories, (${headText(incident.sealed)}) and (${headText(incident.observed)})`
    return answer('MATCH_KEPT_PART', `${what}, but blocks 0..${part.length - 1} are proven the same in both, and this replica holds them: version ${version} is within that part.`, { replica: rel.replica })
  }
  /** The latest seal the replica reaches, when it is not the deciding one: a conflict with it decides. */
  const conflictWithin = (): Assessment | null => {
    if (within === null || within === deciding) return null
    const result = otherSeal(within)
    if (!result.ok) {
      checks.push(...result.checks)
      return answer(result.finding, result.reason, { receipt: within, sealedAt: null, final: false, chain: null })
    }
    const found = conflict(result.seal)
    return decided(found) ? found : null
  }

  if (good === null) {
    const found = conflictWithin()
    if (found !== null) return found
    return answer('NOT_SEALED', `Version ${version} is newer than every seal of this core; it is not sealed yet.`)
  }
  const D = good.receipt

  const withdrawing = checked.filter((i) => withdraws(i, D))
  if (withdrawing.length > 0) {
    if (withdrawing.every((i) => version > i.agreed.length)) {
      const { incident, agreed } = withdrawing[0]
      return answer('REWIND_INCIDENT', `The writer rewound the sealed history: the head sealed at (${headText(D.head)}) is not in its later history (${headText(incident.observed)}), which is proven the same only up to length ${agreed.length}; version ${version} is above that.`)
    }
    const kept = keptPart(D)
    if (kept !== null) return kept
    if (view.length < Math.max(...withdrawing.map((i) => i.agreed.length))) {
      return answer('REPLICA_SHORTER', `The replica (length ${view.length}) is shorter than the part of the rewound history proven unchanged; it cannot be checked yet.`)
    }
    const found = view.length >= D.head.length ? conflict(good) : null
    if (found !== null && decided(found)) return found
    return answer('STALE_REPLICA', `The replica holds neither the part the writer kept of its rewound history nor the sealed history at length ${D.head.length}.`)
  }

  if (view.length >= D.head.length) {
    const found = conflict(good)
    if (decided(found)) {
      // A replica on the other side of a recorded fork or rewind still holds a version within the part both sides share.
      if (found.verdict.status === 'fork' || found.verdict.status === 'rewind') return keptPart(D) ?? found
      return found
    }
    return answer('MATCH', `The replica's tree at length ${D.head.length} is the sealed one (${short(D.head.treeHash)}): blocks 0..${version - 1} existed, unchanged, when it was sealed.`, { replica: found.replica })
  }
  if (view.fork > D.head.fork) {
    return answer('TRUNCATED_BELOW_SEAL', `The writer truncated below the sealed length ${D.head.length}: the replica has length ${view.length} on fork ${view.fork}, the seal (${headText(D.head)}) was on fork ${D.head.fork}.`)
  }
  const found = conflictWithin()
  if (found !== null) return found
  return answer('REPLICA_SHORTER', `The replica (length ${view.length}) is shorter than the sealed length ${D.head.length}, so it cannot be checked yet.`)
}

/** The verdict of docs/formats.md for `verify <key> <version>`; see assess for the finding behind it. */
export function verify (input: VerifyInput): Verdict {
  return assess(input).verdict
}
