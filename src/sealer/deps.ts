import type { AlertSink } from '../alerts'
import type { ChainClient } from '../chain'
import type { HeadWatcher } from '../heads'
import type { Journal, ReceiptsLog } from '../ledger'
import type { Logger } from '../util'
import type { FaultPoint } from './faults'
import type { SealerMetrics } from './metrics'

export interface SealerTiming {
  /** A transaction not mined within this is replaced at the same nonce with a higher fee. */
  minedTimeoutMs: number
  /** Bound on waiting for confirmations before the pass gives up (the batch stays journaled). */
  confirmTimeoutMs: number
  /** Same-nonce replacements of one transaction before the pass gives up until the next tick. */
  maxReplacements: number
}

/** The steps of a pass, in order, as `onPhase` names them. */
export type SealPhase = 'recover' | 'collect' | 'build' | 'journal' | 'chain' | 'receipts'

/** A pass's budget up to sending its transaction: well inside the default every-minute schedule. */
export const DEFAULT_PASS_BUDGET_MS = 45_000
/** What one core's peers get inside a pass (an update, a block, the peer probes), at most. */
export const DEFAULT_CORE_BUDGET_MS = 10_000

export const DEFAULT_TIMING: SealerTiming = {
  minedTimeoutMs: 120_000,
  confirmTimeoutMs: 30 * 60_000,
  maxReplacements: 5
}

/** Everything a seal pass touches, passed in so the cron job, the CLI and tests share one code path. */
export interface SealerDeps {
  watcher: HeadWatcher
  log: ReceiptsLog
  journal: Journal
  chain: ChainClient
  chainId: number
  contract: string
  /** Confirmations before a seal is final (1 = mined), or `finalized`: the chain's finalized tag. */
  confirmations: number | 'finalized'
  logger: Logger
  metrics?: SealerMetrics
  timing?: Partial<SealerTiming>
  /** Told how long each step of a pass took, in ms (benchmarks, tracing). Must not throw. */
  onPhase?: (phase: SealPhase, ms: number) => void
  /** Test-only crash points (HYPERSEAL_FAULT); a no-op in production. */
  fault?: (point: FaultPoint) => void
  /** Bound on a pass up to sending its transaction (ms); DEFAULT_PASS_BUDGET_MS when absent. */
  passBudgetMs?: number
  /** Bound on waiting for one core's peers inside a pass (ms); DEFAULT_CORE_BUDGET_MS when absent. */
  coreBudgetMs?: number
  /** Leaf JSON one batch takes (bytes; batch-cap.ts BATCH_LEAF_BYTES when absent): tests lower it. */
  batchLeafBytes?: number
  /**
   * Makes the chain state that holds a final seal durable, before its receipts are written and
   * the pass answers (the embedded chain writes its state file); absent for a real chain.
   */
  persistChain?: () => Promise<void>
  /** Told of incidents and of cores gone stale or back (src/alerts); absent: nobody is told. */
  alerts?: AlertSink
}

export function timingOf (deps: SealerDeps): SealerTiming {
  return { ...DEFAULT_TIMING, ...(deps.timing ?? {}) }
}
