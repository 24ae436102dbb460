/**
 * The audit report: what a period of sealing looked like, re-verified against the chain at
 * `generatedAt`. Every field is plain JSON (numbers are safe integers, wei amounts decimal
 * strings) so the canonical JSON (RFC 8785) of a report is its signed form.
 */
import type { ReceiptsFileRef } from './receipts-store'
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
  /**
   * The batch's heads; absent when the caller streams the period (the service): then
   * ReportHeader.periodKeys names the cores of the period's batches, and a batch is listed when
   * a receipt of a reported core in it is added.
   */
  leaves?: HeadJson[]
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
  /** What the pass records say about the period (src/ledger); absent: no records (the report says so). */
  coverage?: ReportCoverage
  /** When each core was first watched (hex key → ISO time): a core added after the period is not in it. */
  watchedSince?: Record<string, string>
  /** The core keys the caller asked for, or absent for "every core watched in the period". */
  selection?: string[]
}

/** A core a seal pass could not reach in time, as the service knew it at `generatedAt`. */
export interface StaleInfo {
  since: string
  lastHead: { length: number, fork: number } | null
  reason: string
}

export type HeadStatus = 'verified' | 'pending' | 'invalid' | 'rewind' | 'fork' | 'unsealed'

export interface ReportCore {
  key: string
  /** Seals of the core in the period (each one a line of the receipts file). */
  seals: number
  /** Seconds between consecutive seals in the period; null with fewer than two. A long gap of an idle core is normal: see `coverage`. */
  longestGapSeconds: number | null
  /** Seals per timeline bin (`timeline.binSeconds` wide, from `period.from`). */
  activity: number[]
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
  /** feeWei in ether, exact decimal. */
  feeEth: string | null
}

export type ReceiptVerdict = 'verified' | 'pending' | 'invalid'

/** One line of the receipts file: a receipt of the period and its re-check now. */
export interface ReportReceipt {
  receipt: Receipt
  status: ReceiptVerdict
  /** Why it is not verified; absent when it is. */
  reason?: string
}

/** A receipt that does not hold now (pending or invalid), named in the report itself. */
export interface ReceiptException {
  key: string
  length: number
  fork: number
  root: string
  status: 'pending' | 'invalid'
  reason: string
}

/**
 * The receipts file (JSON Lines, one ReportReceipt per line, sorted by core, time, length, fork,
 * root), bound to the signed report by its SHA-256 and size: the report stays small, and
 * `report verify` refuses a file whose bytes differ.
 */
export interface ReceiptsFile {
  name: 'receipts.jsonl'
  sha256: string
  bytes: number
  lines: number
  verified: number
  pending: number
  invalid: number
  /** The receipts that do not hold, at most EXCEPTIONS_LISTED (the counts above are complete). */
  exceptions: ReceiptException[]
}

/** One control the report's evidence bears on (src/report/controls.ts): it supports, it does not certify. */
export interface ReportControl {
  framework: string
  control: string
  title: string
  /** Sections of this report that hold the evidence. */
  evidence: string[]
  statement: string
}

/** Everything the report depended on, named so that another person can do it again. */
export interface ReportParameters {
  period: { from: string, to: string }
  /** The trust root's fingerprint (GET /v1/trust, `hyperseal trust export`). */
  trustRoot: string
  chain: { chainId: number, contract: string, embedded: boolean }
  confirmations: number | 'finalized'
  schedule: string
  nominalIntervalSeconds: number
  /** The cores asked for; null: every core watched in the period. */
  cores: string[] | null
}

export interface AuditReport {
  v: 2
  generatedAt: string
  period: { from: string, to: string }
  /** Five plain sentences: were the logs intact, and what happened. */
  headline: string[]
  parameters: ReportParameters
  /** How to perform the report's checks again, starting with the exact commands. */
  reperform: { commands: string[], notes: string[] }
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
    /** feesWei in ether, exact decimal. */
    feesEth: string
    /** Batches whose transaction receipt the node did not give (cost unknown). */
    batchesWithoutCost: number
    receipts: { total: number, verified: number, pending: number, invalid: number }
    chainHeadBlock: number
  }
  /** Passes of the schedule in the period; null when the service has no pass records for it. */
  coverage: ReportCoverage | null
  /** The per-core timeline's scale: `bins` bins of `binSeconds` from `period.from`. */
  timeline: { binSeconds: number, bins: number, unit: 'minute' | 'hour' | 'day' | 'week' }
  cores: ReportCore[]
  incidents: ReportIncident[]
  /** The service's own history: the batches it wrote to its receipts log in the period. */
  receiptsLog: { key: string, batches: ReportBatch[] }
  receipts: ReceiptsFile
  controls: ReportControl[]
}

/** The signed document: the signature is over `canonicalize(report)`. */
export interface SignedReport {
  v: 2
  report: AuditReport
  signature: { alg: 'ed25519', publicKey: string, sig: string }
}

/** A signed report with the receipts file it binds: what a build gives, what every rendering renders. */
export interface BuiltReport {
  signed: SignedReport
  /** In a temporary file when built by the service (receipts-store.ts): release it when the report is dropped. */
  receiptsFile: ReceiptsFileRef
}
