// The chain area logs through the service's Logger (pino's argument order).
export type { Logger as ChainLogger } from '../util'
export { SILENT_LOGGER } from '../util'
