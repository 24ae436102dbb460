/**
 * What the HTTP API needs from the running service. The API depends on this port only, so
 * routes stay thin: parse and validate, call one method, shape the answer. The service
 * (src/service) implements it over the watcher, the ledger, the chain and the sealer.
 *
 * Methods throw the domains' coded errors (HeadsError, LedgerError, ChainError, SealerError…);
 * the API maps their codes to HTTP statuses in one table (errors.ts).
 */
import type { HeadJson, Incident } from '../seal'
import type { BatchSummary, Page, PageQuery, ReceiptEntry } from '../ledger'
import type { Verdict } from '../verify'
import type { PassOutcome } from '../sealer'
import type { SignedReport } from '../report'
import type { TrustRoot } from '../trust'

export interface ServiceInfo {
  version: string
  chainId: number
  contract: string
  /** Address of the sealer account, null when the service only verifies. */
  sealer: string | null
  /** Hex key of the public receipts log (replicate it to verify without this API). */
  receiptsLog: string
  schedule: string
  confirmations: number
  embeddedChain: boolean
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
}

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
  /** Batches sealed in the range, by block time, without their leaves. */
  pageBatches (range: TimeRange, page: PageQuery): Promise<Page<BatchSummary>>
  /** The leaves of batch `seq` in batch order; throws LedgerError NOT_FOUND for no such batch. */
  pageBatchLeaves (seq: number, page: PageQuery): Promise<Page<HeadJson>>
  pageIncidents (range: TimeRange & { key?: string }, page: PageQuery): Promise<Page<Incident>>
  /** A core's receipts, oldest first; throws HeadsError NOT_WATCHED for a core never watched nor sealed. */
  pageReceipts (key: string, page: PageQuery): Promise<Page<ReceiptEntry>>
  /** The receipt of the head sealed at exactly `length`; null when none. */
  receiptAt (key: string, length: number): Promise<ReceiptEntry | null>
  /**
   * The verdict of DESIGN.md for blocks 0..version-1 of the core, on the service's replica;
   * throws HeadsError NOT_WATCHED for a core it does not watch.
   */
  verify (key: string, version: number): Promise<Verdict>
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
  auditReport (query: AuditQuery): Promise<SignedReport>
  /** Liveness: the process answers. */
  health (): { status: 'ok', uptimeSeconds: number }
  /** Readiness: storage open, chain answering, recovery done. */
  ready (): Promise<{ ready: boolean, checks: Record<string, { ok: boolean, detail?: string }> }>
}
