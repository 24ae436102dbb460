/** What the audit report reads, assembled from the running service's parts (report-audit.ts). */
import type { ServiceInfo } from '../api'
import type { AuditDeps } from './report-audit'

/** The service's own parts; the identity and policy come from its `info()`. */
export type AuditParts = Omit<AuditDeps, 'identity' | 'policy' | 'coverage' | 'now'>

export function auditDeps (parts: AuditParts, info: ServiceInfo): AuditDeps {
  return {
    ...parts,
    identity: { reportKey: info.reportKey, chainId: info.chainId, contract: info.contract, sealers: info.sealer === null ? [] : [info.sealer], version: info.version, receiptsLog: info.receiptsLog },
    policy: { schedule: info.schedule, confirmations: info.confirmations }
  }
}
