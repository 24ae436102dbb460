export { loadConfig, readConfigFile, redactConfig, DEFAULTS, ADMIN_TOKEN_FILE, AUDITOR_TOKEN_FILE } from './load'
export type { AlertsConfig, Config, ConfigInput } from './load'
export { ConfigError } from './errors'
export type { ConfigErrorCode } from './errors'
