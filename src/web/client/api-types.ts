/**
 * The service's answers as the dashboard reads them (docs/formats.md, the README's routes).
 * Fields that newer services add (a core's `label` and `stale`, a list's `next`) are optional so
 * that an older service's answers still show.
 */
export interface ServiceInfo {
  version: string
  chainId: number
  contract: string
  sealer: string | null
  receiptsLog: string
  schedule: string
  confirmations: number
  embeddedChain: boolean
  reportKey: string
}

export interface CoreRow {
  key: string
  /** Only for auditors and admins. */
  peers?: string[]
  length: number
  fork: number
  addedAt: string
  label?: string | null
  lastSeal: { length: number, fork: number, root: string, sealedAt: string } | null
  stale?: { since: string, lastHead: { length: number, fork: number } | null, reason: string } | null
}

export interface CoresPage { cores: CoreRow[], service: ServiceInfo, next?: string | null }

export interface BatchRow { seq: number, root: string, leafCount: number, sealedAt: string, seal: { txHash: string, blockNumber: number } }

export interface SealerAccount {
  address: string | null
  balanceWei: string | null
  recent: Array<{ seq: number, txHash: string, blockNumber: number, sealedAt: string, leafCount: number, gasUsed: string | null, feeWei: string | null }>
  spendPerDayWei: string | null
  daysLeft: number | null
}

export type Role = 'public' | 'auditor' | 'admin'
