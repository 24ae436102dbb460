/** What the audit report reads, assembled from the running service's parts (report-audit.ts). */
import type { ServiceInfo } from '../api'
import type { ChainClient, ChainReader } from '../chain'
import type { EvidenceCache, PinnedTrust } from '../evidence'
import type { Journal, ReceiptsLog } from '../ledger'
import type { AuditDeps } from './report-audit'

export interface AuditParts {
  log: ReceiptsLog
  journal: Journal
  chain: ChainClient
  reader: ChainReader
  trust: PinnedTrust
  cache: EvidenceCache
  secretKey: Buffer
}

export function auditDeps (parts: AuditParts, info: ServiceInfo): AuditDeps {
  return {
    ...parts,
    identity: { reportKey: info.reportKey, chainId: info.chainId, contract: info.contract, sealers: info.sealer === null ? [] : [info.sealer], version: info.version, receiptsLog: info.receiptsLog },
    policy: { schedule: info.schedule, confirmations: info.confirmations }
  }
}
