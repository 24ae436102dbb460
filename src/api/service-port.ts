/**
 * What the HTTP API needs from the running service. The API depends on this port only, so
 * routes stay thin: parse and validate, call one method, shape the answer. The service
 * (src/service) implements it over the watcher, the ledger, the chain and the sealer.
 *
 * Methods throw the domains' coded errors (HeadsError, LedgerError, ChainError, SealerError…);
 * the API maps their codes to HTTP statuses in one table (errors.ts).
 */
import type { HeadJson, Incident, Migration } from '../seal'
import type { BatchSummary, Page, PageQuery, PassSummary, ReceiptEntry } from '../ledger'
import type { SealedRoots, UpgradeProof, Verdict } from '../verify'
import type { AnchorRun, PassOutcome } from '../sealer'
import type { BuiltReport } from '../report'
import type { TrustRoot } from '../trust'
import type { AlertsOverview, TestAnswer } from '../alerts'

export interface ServiceInfo {
  version: string
  chainId: number
  contract: string
  /** Address of the sealer account, null when the service only verifies. */
  sealer: string | null
  /** Hex key of the public receipts log (replicate it to verify without this API). */
  receiptsLog: string
  schedule: string
  /** Confirmations before a seal is final, or `finalized` (the chain's finalized block tag). */
  confirmations: number | 'finalized'
  embeddedChain: boolean
  /**
   * The chain's JSON-RPC endpoint: the embedded anvil's URL in full, a configured one by its
   * origin only (its path or query may carry an API key).
   */
  rpc: string
  /** Hex Ed25519 public key that signs this service's audit reports. */
  reportKey: string
}

export interface CoreView {
  key: string
  peers: string[]
  /** The replica's current length and fork (sparse: blocks may be missing). */
  length: number
  fork: number
  addedAt: string
  /** The operator's label for the core, null when none was given. */
  label: string | null
  /** The latest sealed head of this core, if any. */
  lastSeal: { length: number, fork: number, root: string, sealedAt: string } | null
  /**
   * Set while the core is stale: a pass could not get what it needed from its peers in time
   * (since when, the last head seen, why); it is skipped, never holding up the others.
   */
  stale: { since: string, lastHead: { length: number, fork: number } | null, reason: string } | null
  /** What the core is, read from its blocks: `core`, `hyperbee`, `hyperdrive` (its db), `autobase` (its bootstrap oplog); null until known. */
  kind?: 'core' | 'hyperbee' | 'hyperdrive' | 'autobase' | null
  /** A structure's cores with their roles (a drive: `db` and `blobs`; an Autobase: `system` and each `view`, in its order). */
  parts?: Array<{ role: 'db' | 'blobs' | 'system' | 'view', key: string }>
  /** The structure this core is a part of (a drive's blobs core, an Autobase's system core or view). */
  partOf?: { key: string, role: 'blobs' | 'system' | 'view' }
}

/** What `GET /v1/proofs/...` asks: a block, a Hyperbee entry or a Hyperdrive file (at a version, default the latest). */
export type RecordQuestion = { index: number } | { entry: Buffer, version?: number } | { file: string, version?: number }

/** A pass as the API shows it: the sealer's outcome, with the seal in ISO time and its finality. */
export type PassResult = Omit<PassOutcome, 'batch'> & {
  /** Null when nothing changed since the last seal: no transaction was sent. */
  batch: {
    root: string
    leafCount: number
    txHash: string
    blockNumber: number
    sealedAt: string
    final: boolean
    /** Hex keys (and lengths) of the heads sealed, the receipts log's own head included. */
    heads: Array<{ key: string, length: number, fork: number }>
  } | null
}

export interface TimeRange { from?: Date, to?: Date }

/** An audit report's period [from, to) and, optionally, the cores it covers (all when none). */
export interface AuditQuery { from: Date, to: Date, keys?: string[] }

/** At most this many lengths in one proofs request: a verify plan names at most three. */
export const PROOF_LENGTHS_MAX = 8

/**
 * The service's replica as an untrusted verifier reads it: its head, Hypercore upgrade proofs
 * `{ start: 0, length }` at the lengths asked (bytes as lowercase hex), and the roots the ledger
 * kept for sealed heads at those lengths (checked by the verifier against the sealed tree hash).
 */
export interface ReplicaProofs {
  key: string
  head: { length: number, fork: number, treeHash: string | null }
  /** By length; lengths past the head are absent (the replica cannot prove them). */
  proofs: Record<string, UpgradeProof>
  sealedRoots: SealedRoots[]
}

/** The sealer account and what sealing cost lately (wei as decimal strings). */
export interface SealerAccount {
  /** Null when the service has no sealer key (it verifies but cannot seal). */
  address: string | null
  balanceWei: string | null
  /** The most recent batches (newest first) with their transaction's gas and fee. */
  recent: Array<{ seq: number, txHash: string, blockNumber: number, sealedAt: string, leafCount: number, gasUsed: string | null, feeWei: string | null }>
  /** Fees of `recent` per day, over the time from the oldest of them to now; null without any. */
  spendPerDayWei: string | null
  /** How long the balance lasts at that rate; null when nothing was spent or there is no sealer. */
  daysLeft: number | null
}

/** One core of a bulk watch: as the single watch takes it. */
export interface WatchItem { key: string, peers?: string[], label?: string }

/** At most this many cores in one bulk watch. */
export const BULK_WATCH_MAX = 10_000

export interface ServicePort {
  info (): ServiceInfo
  /** The service's trust root (docs/formats.md) and its fingerprint. */
  trust (): { root: TrustRoot, fingerprint: string }
  /** The watched cores a page at a time, by key. */
  pageCores (page: PageQuery): Promise<Page<CoreView>>
  /**
   * `created` false when the key was watched already (its peers are merged). A label replaces
   * the core's label; no label keeps it.
   */
  watchCore (key: string, peers: string[], label?: string): Promise<{ created: boolean, core: CoreView }>
  /**
   * Up to BULK_WATCH_MAX cores at once, written to the journal in one write; every item is
   * checked before anything is written. A key given twice counts once (as created or merged).
   */
  watchCores (items: WatchItem[]): Promise<{ created: number, merged: number, cores: CoreView[] }>
  /** Throws HeadsError NOT_WATCHED when the key is not watched. */
  unwatchCore (key: string): Promise<void>
  /** Runs a pass now; throws SealerError PASS_RUNNING while one runs. */
  sealNow (): Promise<PassResult>
  /**
   * Runs the later anchors named (all when none), each covering the batches since its mark; a
   * failed run is in its entry (`ok: false`), not thrown. Throws SealerError NO_SUCH_ANCHOR for a
   * name the configuration does not have.
   */
  anchorNow (names?: readonly string[]): Promise<AnchorRun[]>
  /** Batches sealed in the range, by block time, without their leaves. */
  pageBatches (range: TimeRange, page: PageQuery): Promise<Page<BatchSummary>>
  /** The leaves of batch `seq` in batch order; throws LedgerError NOT_FOUND for no such batch. */
  pageBatchLeaves (seq: number, page: PageQuery): Promise<Page<HeadJson>>
  pageIncidents (range: TimeRange & { key?: string }, page: PageQuery): Promise<Page<Incident>>
  /** A core's receipts, oldest first; throws HeadsError NOT_WATCHED for a core never watched nor sealed. */
  pageReceipts (key: string, page: PageQuery): Promise<Page<ReceiptEntry>>
  /** The receipt of the head sealed at exactly `length`; null when none. */
  receiptAt (key: string, length: number): Promise<ReceiptEntry | null>
  /** An Autobase's recorded migrations (docs/formats.md "Migration"), oldest first; empty for any other core. */
  listMigrations (key: string): Promise<Migration[]>
  /**
   * The verdict of DESIGN.md for blocks 0..version-1 of the core, on the service's replica;
   * throws HeadsError NOT_WATCHED for a core it does not watch.
   */
  verify (key: string, version: number): Promise<Verdict>
  /**
   * A record proof (docs/formats.md "Record proof") from the service's replica and receipts;
   * throws StructureError NOT_FOUND / NOT_SEALED / NOT_A_STRUCTURE / BLOCK_UNAVAILABLE / TOO_LARGE.
   */
  proveRecord (key: string, question: RecordQuestion): Promise<Record<string, unknown>>
  /**
   * The verdict `verify` would give, when one was computed on exactly the same replica and
   * ledger state and cannot change with the chain (final or unsealed); null otherwise. Cheap: it
   * reads nothing, so it is not an expensive request.
   */
  cachedVerify (key: string, version: number): Verdict | null
  /**
   * The signed audit report of DESIGN.md's cores over [from, to), re-verified against the
   * chain now; throws HeadsError BAD_KEY for a malformed key.
   */
  auditReport (query: AuditQuery): Promise<BuiltReport>
  /** Head and upgrade proofs of the service's replica (at most PROOF_LENGTHS_MAX lengths); HeadsError NOT_WATCHED when not watched. */
  replicaProofs (key: string, lengths: number[]): Promise<ReplicaProofs>
  /** The sealer account's balance and recent spend. */
  sealerAccount (): Promise<SealerAccount>
  /** Webhook receivers (origins), signing, and recent deliveries with their state (admin). */
  alertsOverview (): AlertsOverview
  /** Sends a test alert to every receiver now; AlertsError NO_RECEIVERS when none is configured. */
  testAlerts (): Promise<TestAnswer[]>
  /** Liveness: the process answers. */
  health (): { status: 'ok', uptimeSeconds: number }
  /** Readiness: storage open, chain answering, recovery done. */
  ready (): Promise<{ ready: boolean, checks: Record<string, { ok: boolean, detail?: string }> }>
  /** The last seal pass (start time, outcome, failure code) and the passes failed in a row. */
  passStatus (): PassSummary
}
