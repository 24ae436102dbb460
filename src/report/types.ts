/**
 * The audit report: what a period of sealing looked like, re-verified against the chain at
 * `generatedAt`. Every field is plain JSON (numbers are safe integers, wei amounts decimal
 * strings) so the canonical JSON (RFC 8785) of a report is its signed form.
 */
import type { HeadJson, Incident, IncidentKind, Receipt } from '../seal'
import type { TrustPolicy } from '../trust'
import type { ChainEvidence } from '../verify'
import type { ReportCoverage } from './coverage-types'

/** What a batch cost, from its transaction receipt; null when the node no longer has it. */
export interface BatchCost {
  gasUsed: string
  effectiveGasPrice: string
}

export interface ReportBatchIn {
  seq: number
  root: string
  leafCount: number
  leaves: HeadJson[]
  sealedAt: string
  txHash: string
  blockNumber: number
}

export interface ServiceIdentity {
  /** Hex Ed25519 public key that signs reports. */
  reportKey: string
  chainId: number
  contract: string
  /** Every sealer address seen in the period (the configured one, if any, included). */
  sealers: string[]
  version: string
  receiptsLog: string
}

/** Everything the builder needs; the service gathers it (ledger, chain), the builder only decides. */
export interface ReportInput {
  generatedAt: string
  /** [from, to) as ISO 8601. */
  period: { from: string, to: string }
  service: ServiceIdentity
  policy: { schedule: string, confirmations: number | 'finalized' }
  /** The cores to report on (hex keys). */
  cores: string[]
  /** Every receipt of each reported core (all time: the latest head's status needs them). */
  receipts: Record<string, Array<{ receipt: Receipt, contradicts?: IncidentKind }>>
  /** Batches sealed in the period. */
  batches: ReportBatchIn[]
  /** Cost per transaction hash. */
  costs: Record<string, BatchCost | null>
  /** Incidents detected in the period. */
  incidents: Incident[]
  /** Cores that are stale now, by key (absent: none). */
  stale?: Record<string, StaleInfo>
  /** The chain now: the raw answers for every receipt of the period (src/evidence gatherChain). */
  chain: ChainEvidence
  /** The service's own trust policy: the pinned chain and contract receipts are checked against. */
  trust: TrustPolicy
  /** Passes scheduled, run, failed and missed, downtime, and per core (src/report/coverage.ts). */
  coverage?: ReportCoverage
}

/** A core a seal pass could not reach in time, as the service knew it at `generatedAt`. */
export interface StaleInfo {
  since: string
  lastHead: { length: number, fork: number } | null
  reason: string
}

export interface ReportSeal {
  sealedAt: string
  length: number
  fork: number
  root: string
  txHash: string
  blockNumber: number
}

export type HeadStatus = 'verified' | 'pending' | 'invalid' | 'rewind' | 'fork' | 'unsealed'

export interface ReportCore {
  key: string
  seals: ReportSeal[]
  /** Seconds between consecutive seals in the period; null with fewer than two. */
  longestGapSeconds: number | null
  /** Whole schedule slots inside the longest gap with no seal (0 when the gap fits the schedule). */
  missedSlots: number
  first: { length: number, fork: number, sealedAt: string } | null
  last: { length: number, fork: number, sealedAt: string } | null
  latestHead: { length: number, fork: number, sealedAt: string, status: HeadStatus } | { status: 'unsealed' }
  incidents: number
  /** Set when the core was stale at `generatedAt`: passes skip it until its peers answer. */
  stale: StaleInfo | null
}

export interface ReportIncident extends Incident {
  /** What the incident means, in plain words. */
  meaning: string
}

export interface ReportBatch {
  seq: number
  root: string
  sealedAt: string
  leafCount: number
  txHash: string
  blockNumber: number
  gasUsed: string | null
  effectiveGasPrice: string | null
  /** gasUsed × effectiveGasPrice, wei. */
  feeWei: string | null
}

export type ReceiptVerdict = 'verified' | 'pending' | 'invalid'

export interface ReportReceipt {
  receipt: Receipt
  status: ReceiptVerdict
  /** Why it is not verified; absent when it is. */
  reason?: string
}

export interface AuditReport {
  v: 1
  generatedAt: string
  period: { from: string, to: string }
  service: ServiceIdentity
  /** The chain the receipts were checked on; `embedded`: a development chain its local administrator can rewrite. */
  chain: { chainId: number, contract: string, embedded: boolean }
  /** Fingerprint of the trust root the report's receipts were checked against (GET /v1/trust). */
  trust: string
  policy: { schedule: string, confirmations: number | 'finalized', nominalIntervalSeconds: number, intervalAssumption: string }
  summary: {
    cores: number
    seals: number
    incidents: { rewind: number, fork: number }
    batches: number
    leaves: number
    gasUsed: string
    feesWei: string
    /** Batches whose transaction receipt the node did not give (cost unknown). */
    batchesWithoutCost: number
    receipts: { total: number, verified: number, pending: number, invalid: number }
    chainHeadBlock: number
  }
  cores: ReportCore[]
  incidents: ReportIncident[]
  batches: ReportBatch[]
  /** Every receipt of the period re-checked now, sorted by core, time, length, fork. */
  receipts: ReportReceipt[]
}

/** The signed document: the signature is over `canonicalize(report)`. */
export interface SignedReport {
  v: 1
  report: AuditReport
  signature: { alg: 'ed25519', publicKey: string, sig: string }
}
