/**
 * The composition root: opens the data directory, the chain (embedded anvil by default), the
 * ledger and the watcher, and runs seal passes. Only entry points (the CLI, tests, benches)
 * import it.
 *
 *   const service = await HypersealService.open(loadConfig({ env: { HYPERSEAL_DATA: dir } }), { logger })
 *   ...
 *   await service.close()
 *
 * In tests, open it with `replicationPort: 0` and `port: 0` in the config so nothing clashes.
 */
export { HypersealService } from './service'
export type { ServiceOptions } from './wiring'
export { resolveAdminToken, resolveAuditorToken } from './admin-token'
