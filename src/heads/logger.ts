// The heads area logs through the service's Logger (pino's argument order).
export type { Logger as HeadsLogger } from '../util'
export { SILENT_LOGGER, errInfo } from '../util'
