// The HTTP API's only door: build the app (not listening), and the logger with its redaction.
export { buildApp, apiLimits } from './app'
export type { ApiDeps } from './app'
export { createLogger } from './logging'
export type { Role } from './auth'
export type { AuditQuery, ServicePort, ServiceInfo, CoreView, PassResult, RecordQuestion, ReplicaProofs, SealerAccount, TimeRange, WatchItem } from './service-port'
export { BULK_WATCH_MAX } from './service-port'
export type { ReadinessOptions } from './readiness'
