/**
 * verify(input) → Verdict: receipts, incidents, a replica view and a chain view in; a verdict
 * out. No I/O, synchronous. Decision order (README.md in this folder has the reasoning):
 *
 * 1. invalid: a receipt of the list is malformed or of another core; an incident of this core
 *    is not valid evidence; the deciding receipt fails its own checks (form, manifest → key,
 *    signature, Merkle proof) or the chain (chain id, contract, sealedAt, tx, leaf count, block
 *    hash); a remote replica's prefix proof fails.
 * 2. fork: a fork incident of this core is recorded (whatever the replica holds), or the
 *    replica's tree at the sealed length differs on the same fork id.
 * 3. pending: no receipt covers the version.
 * 4. rewind: the replica shows the truncation, or a rewind incident's sealed head is the
 *    deciding head (the writer withdrew that sealed history; a stale replica may still hold it).
 * 5. behind, verified: from the replica alone.
 */
import { checkReceipt, type Incident, type Receipt } from '../seal'
import { checkOnChain } from './chain-check'
import { VerifyError } from './errors'
import { incidentsOf, sameHead } from './incidents'
import { checkChainView, checkReplicaView, isRecord, parseKey, parseList, parseVersion } from './input'
import { compareReplica, type ReplicaOutcome } from './replica-check'
import { selectReceipt } from './select'
import type { Assessment, Finding, VerdictStatus, Verdict, VerifyInput } from './types'

const STATUS_OF: Record<Finding, VerdictStatus> = {
  MATCH: 'verified',
  NOT_SEALED: 'pending',
  REPLICA_SHORTER: 'behind',
  REPLICA_ON_OLDER_FORK: 'behind',
  TRUNCATED_BELOW_SEAL: 'rewind',
  TREE_DIFFERS_NEWER_FORK: 'rewind',
  REWIND_INCIDENT: 'rewind',
  TREE_DIFFERS_SAME_FORK: 'fork',
  FORK_INCIDENT: 'fork',
  BAD_RECEIPT: 'invalid',
  OTHER_CORE: 'invalid',
  BAD_MANIFEST: 'invalid',
  KEY_MISMATCH: 'invalid',
  BAD_SIGNATURE: 'invalid',
  BAD_PROOF: 'invalid',
  WRONG_CHAIN: 'invalid',
  WRONG_CONTRACT: 'invalid',
  NOT_ON_CHAIN: 'invalid',
  SEAL_MISMATCH: 'invalid',
  BLOCK_HASH_MISMATCH: 'invalid',
  BAD_INCIDENT: 'invalid',
  BAD_PREFIX_PROOF: 'invalid'
}

function forkReason (incident: Incident, replica: string): string {
  const { sealed, observed } = incident
  return `A recorded fork incident shows this core's key signed two histories (heads at length ${sealed.length}, fork ${sealed.fork} and length ${observed.length}, fork ${observed.fork}), so no history of it can be trusted as the one, ${replica}.`
}

function replicaClause (outcome: ReplicaOutcome | null): string {
  if (outcome === null) return 'and this version was never sealed'
  return outcome.finding === 'MATCH' ? 'even though this replica matches the seal' : 'and this replica does not match the seal either'
}

/** The verdict and the finding behind it. Throws VerifyError only for a malformed call. */
export function assess (input: VerifyInput): Assessment {
  if (!isRecord(input)) throw new VerifyError('BAD_INPUT', 'verify needs an object { key, version, receipts, replica, chain }.')
  const key = parseKey(input.key)
  const version = parseVersion(input.version)
  const receipts = parseList(input.receipts, 'receipts', false)
  const incidentList = parseList(input.incidents, 'incidents', true)
  const view = checkReplicaView(input.replica)
  const chain = checkChainView(input.chain)
  const incidents = incidentsOf(key, incidentList)

  let verdict: Verdict = {
    key,
    version,
    status: 'pending',
    sealedAt: null,
    final: false,
    receipt: null,
    replica: { length: view.length, fork: view.fork, treeHash: view.treeHash ?? null },
    incidents: incidents.incidents,
    reason: ''
  }
  const answer = (finding: Finding, reason: string, fields: Partial<Verdict> = {}): Assessment =>
    ({ verdict: { ...verdict, ...fields, status: STATUS_OF[finding], reason }, finding })

  const selection = selectReceipt(key, version, receipts)
  if (!selection.ok) return answer(selection.finding, selection.reason, { receipt: selection.receipt })
  if (!incidents.ok) return answer('BAD_INCIDENT', incidents.reason)
  const forkIncident = incidents.incidents.find((i) => i.kind === 'fork')

  const receipt: Receipt | null = selection.receipt
  if (receipt === null) {
    if (forkIncident !== undefined) return answer('FORK_INCIDENT', forkReason(forkIncident, replicaClause(null)))
    return answer('NOT_SEALED', `Version ${version} is newer than every seal of this core; it is not sealed yet.`)
  }

  const own = checkReceipt(receipt)
  if (!own.ok) return answer(own.code, `The deciding receipt (length ${receipt.head.length}) fails its own checks: ${own.reason}`, { receipt })
  const onChain = checkOnChain(own.receipt, chain)
  if (!onChain.ok) return answer(onChain.finding, onChain.reason, { receipt })

  const outcome = compareReplica(own.receipt.head, view)
  if (outcome.finding === 'BAD_PREFIX_PROOF') return answer(outcome.finding, outcome.reason, { receipt, replica: outcome.replica })
  verdict = {
    ...verdict,
    receipt,
    sealedAt: new Date(own.receipt.seal.timestamp * 1000).toISOString(),
    final: onChain.final,
    replica: outcome.replica
  }

  if (forkIncident !== undefined) return answer('FORK_INCIDENT', forkReason(forkIncident, replicaClause(outcome)))
  const status = STATUS_OF[outcome.finding]
  if (status === 'fork' || status === 'rewind') return answer(outcome.finding, outcome.reason)
  const rewound = incidents.incidents.find((i) => i.kind === 'rewind' && sameHead(i.sealed, own.receipt.head))
  if (rewound !== undefined) {
    const { observed } = rewound
    return answer('REWIND_INCIDENT', `The writer truncated the sealed head (length ${receipt.head.length}, fork ${receipt.head.fork}) afterwards, as a recorded incident shows with its head at length ${observed.length}, fork ${observed.fork}, so the sealed history is gone from the core even if this replica still holds it.`)
  }
  return answer(outcome.finding, outcome.reason)
}

/** DESIGN.md's verdict for `verify <key> <version>`; see assess for the finding behind it. */
export function verify (input: VerifyInput): Verdict {
  return assess(input).verdict
}
