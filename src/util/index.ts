export { CodedError } from './coded-error'
export { SILENT_LOGGER, errInfo } from './logger'
export type { Logger } from './logger'
export { fsyncPath, writeFileDurably } from './durable-file'
