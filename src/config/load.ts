import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { validate as validateCron } from 'node-cron'
import { parseAnchors, type AnchorConfig } from './anchors'
import { ConfigError } from './errors'
import {
  parseAddress, parseBoundedInt, parseHost, parseHostPortList, parseNonNegativeInt, parsePort, parsePositiveInt, parsePrivateKey,
  parseRateLimit, parseSchedule, parseToken, parseUrl
} from './parse'

/** The validated configuration, read once at start and passed to every part. */
export interface Config {
  dataDir: string
  host: string
  port: number
  /** Undefined: the service generates one and keeps it in the data directory. */
  adminToken?: string
  /** The auditor's read-only token (reports, evidence, peers); undefined: generated like the admin token. */
  auditorToken?: string
  replicationPort: number
  schedule: string
  /** Undefined: the embedded local chain (anvil) in the data directory. */
  rpc?: string
  contract?: string
  /** Secret. Only from HYPERSEAL_SEALER_KEY, never from a flag or the config file. */
  sealerKey?: string
  keystore?: { path: string, password: string }
  confirmations: number
  bootstrap: string[]
  /** Requests a minute per client address on the public API routes; 0: no limit. */
  rateLimit: number
  /** Expensive requests (verify, receipt lists, batch leaves, reports) served at once; past it, 503 BUSY. */
  expensiveRequests: number
  /**
   * Seconds a seal pass may take up to sending its transaction: cores whose peers do not
   * deliver in time are skipped (stale). Waiting for confirmations has its own timeouts.
   */
  passBudgetSeconds: number
  /** Later clocks beside the primary chain (config file only; anchors.ts). */
  anchors: AnchorConfig[]
}

export const DEFAULTS = {
  dataDir: './.hyperseal',
  host: '127.0.0.1',
  port: 8480,
  replicationPort: 8481,
  schedule: '* * * * *',
  confirmations: 1,
  // 10 a second per address: a person's verify page or a paging script stays far below it,
  // while one address alone cannot fill the expensive-request cap for long. See the README.
  rateLimit: 600,
  // Four per core of the 2-core machine this is sized for: each verify or report is mostly
  // waiting on a peer or the chain, but holds memory while it does.
  expensiveRequests: 8,
  // Well inside the default every-minute schedule, with room for the transaction.
  passBudgetSeconds: 45
} as const

/**
 * The admin token's file in the data directory, when HYPERSEAL_ADMIN_TOKEN is unset: the
 * service writes it (mode 0600), the CLI on the same machine reads it.
 */
export const ADMIN_TOKEN_FILE = 'admin-token'

/** The auditor token's file in the data directory, when HYPERSEAL_AUDITOR_TOKEN is unset (as the admin token's). */
export const AUDITOR_TOKEN_FILE = 'auditor-token'

/** Settings that may come from the config file or a flag (camelCase, like Config). */
export type ConfigInput = Partial<Record<Exclude<keyof Config, 'sealerKey' | 'keystore' | 'anchors'> | 'keystore', string | number | string[]>> & { anchors?: unknown }

const FILE_FIELDS = new Set(['dataDir', 'host', 'port', 'adminToken', 'auditorToken', 'replicationPort', 'schedule', 'rpc', 'contract', 'keystore', 'confirmations', 'bootstrap', 'rateLimit', 'expensiveRequests', 'passBudgetSeconds', 'anchors'])

const ENV: Record<string, keyof ConfigInput> = {
  HYPERSEAL_DATA: 'dataDir',
  HYPERSEAL_HOST: 'host',
  HYPERSEAL_PORT: 'port',
  HYPERSEAL_ADMIN_TOKEN: 'adminToken',
  HYPERSEAL_AUDITOR_TOKEN: 'auditorToken',
  HYPERSEAL_REPLICATION_PORT: 'replicationPort',
  HYPERSEAL_SCHEDULE: 'schedule',
  HYPERSEAL_RPC: 'rpc',
  HYPERSEAL_CONTRACT: 'contract',
  HYPERSEAL_KEYSTORE: 'keystore',
  HYPERSEAL_CONFIRMATIONS: 'confirmations',
  HYPERSEAL_BOOTSTRAP: 'bootstrap',
  HYPERSEAL_RATE_LIMIT: 'rateLimit',
  HYPERSEAL_EXPENSIVE_REQUESTS: 'expensiveRequests',
  HYPERSEAL_PASS_BUDGET: 'passBudgetSeconds'
}

export function readConfigFile (path: string): ConfigInput {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ConfigError('BAD_FILE', `cannot read config file ${path}: ${(err as Error).message}`, { cause: err })
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('BAD_FILE', `config file ${path} must hold a JSON object`)
  }
  for (const field of Object.keys(parsed)) {
    if (field === 'sealerKey') {
      throw new ConfigError('SECRET_IN_FILE', `config file ${path}: put the sealer key in HYPERSEAL_SEALER_KEY or a keystore, not in a file`)
    }
    if (!FILE_FIELDS.has(field)) throw new ConfigError('UNKNOWN_FIELD', `config file ${path}: unknown field "${field}"`)
  }
  return parsed as ConfigInput
}

/**
 * Merges defaults < config file < environment < flags and validates every value once.
 * The config file is `flags.config ?? env.HYPERSEAL_CONFIG`, when given.
 */
export function loadConfig (opts: { env?: NodeJS.ProcessEnv, flags?: ConfigInput & { config?: string } } = {}): Config {
  const env = opts.env ?? process.env
  const flags = { ...(opts.flags ?? {}) }
  const filePath = flags.config ?? env.HYPERSEAL_CONFIG
  delete flags.config
  const fromFile = filePath ? readConfigFile(filePath) : {}
  const fromEnv: ConfigInput = {}
  for (const [name, field] of Object.entries(ENV)) {
    const value = env[name]
    if (value !== undefined && value !== '') fromEnv[field] = value
  }
  const raw: ConfigInput = { ...fromFile, ...fromEnv, ...stripUndefined(flags) }
  return { ...validate(raw, env), anchors: parseAnchors(fromFile.anchors, env, filePath ?? '.') }
}

function validate (raw: ConfigInput, env: NodeJS.ProcessEnv): Omit<Config, 'anchors'> {
  const str = (field: keyof ConfigInput): string | undefined => {
    const v = raw[field]
    if (v === undefined) return undefined
    if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError('INVALID_VALUE', `${field} must be a string`)
    return String(v)
  }
  const config: Omit<Config, 'anchors'> = {
    dataDir: resolve(str('dataDir') ?? DEFAULTS.dataDir),
    host: parseHost('HYPERSEAL_HOST', str('host') ?? DEFAULTS.host),
    port: parsePort('HYPERSEAL_PORT', str('port') ?? DEFAULTS.port, true),
    replicationPort: parsePort('HYPERSEAL_REPLICATION_PORT', str('replicationPort') ?? DEFAULTS.replicationPort, true),
    schedule: parseSchedule('HYPERSEAL_SCHEDULE', str('schedule') ?? DEFAULTS.schedule, validateCron),
    confirmations: parseNonNegativeInt('HYPERSEAL_CONFIRMATIONS', str('confirmations') ?? DEFAULTS.confirmations, 1000),
    bootstrap: raw.bootstrap === undefined ? [] : parseHostPortList('HYPERSEAL_BOOTSTRAP', raw.bootstrap as string | string[]),
    rateLimit: parseRateLimit('HYPERSEAL_RATE_LIMIT', str('rateLimit') ?? DEFAULTS.rateLimit),
    expensiveRequests: parsePositiveInt('HYPERSEAL_EXPENSIVE_REQUESTS', str('expensiveRequests') ?? DEFAULTS.expensiveRequests, 1024),
    passBudgetSeconds: parseBoundedInt('HYPERSEAL_PASS_BUDGET', str('passBudgetSeconds') ?? DEFAULTS.passBudgetSeconds, 1, 3600)
  }
  const token = str('adminToken')
  if (token !== undefined) config.adminToken = parseToken('HYPERSEAL_ADMIN_TOKEN', token)
  const auditor = str('auditorToken')
  if (auditor !== undefined) {
    config.auditorToken = parseToken('HYPERSEAL_AUDITOR_TOKEN', auditor)
    // One token for both roles would make every auditor an admin.
    if (auditor === config.adminToken) throw new ConfigError('INVALID_VALUE', 'HYPERSEAL_AUDITOR_TOKEN must differ from HYPERSEAL_ADMIN_TOKEN (values not shown)')
  }
  const rpc = str('rpc')
  if (rpc !== undefined) config.rpc = parseUrl('HYPERSEAL_RPC', rpc, ['http:', 'https:', 'ws:', 'wss:'])
  const contract = str('contract')
  if (contract !== undefined) config.contract = parseAddress('HYPERSEAL_CONTRACT', contract)
  if (env.HYPERSEAL_SEALER_KEY) config.sealerKey = parsePrivateKey('HYPERSEAL_SEALER_KEY', env.HYPERSEAL_SEALER_KEY)
  const keystore = str('keystore')
  if (keystore !== undefined) {
    if (config.sealerKey) throw new ConfigError('INVALID_VALUE', 'set HYPERSEAL_SEALER_KEY or HYPERSEAL_KEYSTORE, not both')
    const password = env.HYPERSEAL_KEYSTORE_PASSWORD
    if (!password) throw new ConfigError('INVALID_VALUE', 'HYPERSEAL_KEYSTORE needs HYPERSEAL_KEYSTORE_PASSWORD')
    config.keystore = { path: resolve(keystore), password }
  }
  return config
}

/** A copy safe to log or print: secrets are replaced by a marker. */
export function redactConfig (config: Config): Record<string, unknown> {
  return {
    ...config,
    adminToken: config.adminToken === undefined ? undefined : '[redacted]',
    auditorToken: config.auditorToken === undefined ? undefined : '[redacted]',
    sealerKey: config.sealerKey === undefined ? undefined : '[redacted]',
    keystore: config.keystore === undefined ? undefined : { path: config.keystore.path, password: '[redacted]' },
    anchors: config.anchors.map((a) => (a.type === 'evm' ? { ...a, sealerKey: '[redacted]' } : a))
  }
}

function stripUndefined<T extends object> (o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}
