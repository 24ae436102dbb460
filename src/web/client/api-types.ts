/**
 * The service's answers as the pages read them: the API's own types (src/api/service-port.ts;
 * type-only imports, erased from the bundle). A core's `peers` only reach an auditor or admin.
 */
import type { CoreView, ServiceInfo } from '../../api'
export type { ReplicaProofs, Role, SealerAccount, ServiceInfo } from '../../api'

export type CoreRow = Omit<CoreView, 'peers'> & { peers?: string[] }

export interface CoresPage { cores: CoreRow[], service: ServiceInfo, next: string | null }

/** A batch as `GET /v1/batches` lists it (the fields the timeline reads). */
export interface BatchRow { seq: number, root: string, leafCount: number, sealedAt: string, seal: { txHash: string, blockNumber: number } }
