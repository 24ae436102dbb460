import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { validate as validateCron } from 'node-cron'
import { parseAnchors, type AnchorConfig } from './anchors'
import { ConfigError } from './errors'
import { parseAlerts } from './alerts'
import {
  parseAddress, parseBoundedInt, parseConfirmations, parseHost, parseHostPortList, parsePort, parsePositiveInt, parsePrivateKey,
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
  /**
   * When a seal is final: after this many blocks (its own block is the first), or `finalized`:
   * once the chain's `finalized` block tag reaches it (chains with a finality gadget).
   */
  confirmations: number | 'finalized'
  /** The embedded anvil's RPC port on 127.0.0.1 (used only without `rpc`); 0: any free port. */
  chainPort: number
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
  /** Webhook alerts (docs/alerts.md); no URL: alerts are only logged. */
  alerts: AlertsConfig
}

/** The alerts section: receivers, how alerts are signed, when conditions alert. */
export interface AlertsConfig {
  /** Secret-ish: a webhook URL may hold a token, so only its origin is ever logged. */
  urls: string[]
  /** Secret. Only from HYPERSEAL_ALERT_SECRET or HYPERSEAL_ALERT_ED25519_KEY, never from a flag or the file. */
  signing: { hmac: string } | { ed25519Seed: string } | null
  thresholds: { passFailures: number, anchorFactor: number, balanceDays: number }
  maxPending: number
}

export const DEFAULTS = {
  dataDir: './.hyperseal',
  host: '127.0.0.1',
  port: 8480,
  replicationPort: 8481,
  // The usual Ethereum JSON-RPC port: saved `--rpc http://127.0.0.1:8545` commands keep working.
  chainPort: 8545,
  schedule: '* * * * *',
  confirmations: 1,
  // 10 a second per address: a person's verify page or a paging script stays far below it,
  // while one address alone cannot fill the expensive-request cap for long. See the README.
  rateLimit: 600,
  // Four per core of the 2-core machine this is sized for: each verify or report is mostly
  // waiting on a peer or the chain, but holds memory while it does.
  expensiveRequests: 8,
  // Well inside the default every-minute schedule, with room for the transaction.
  passBudgetSeconds: 45,
  alertPassFailures: 3,
  // An anchor that has not caught up for three of its intervals has missed more than a slow pass.
  alertAnchorFactor: 3,
  alertBalanceDays: 7,
  // A day of one alert a minute and a half for two receivers; each entry is at most 64 KiB.
  alertOutboxMax: 1000
} as const

/**
 * The admin token's file in the data directory, when HYPERSEAL_ADMIN_TOKEN is unset: the
 * service writes it (mode 0600), the CLI on the same machine reads it.
 */
export const ADMIN_TOKEN_FILE = 'admin-token'

/** The auditor token's file in the data directory, when HYPERSEAL_AUDITOR_TOKEN is unset (as the admin token's). */
export const AUDITOR_TOKEN_FILE = 'auditor-token'

/** Settings that may come from the config file or a flag (camelCase, like Config). */
export type ConfigInput = Partial<Record<Exclude<keyof Config, 'sealerKey' | 'keystore' | 'alerts' | 'anchors'> | 'keystore' | AlertField, string | number | string[]>> & { anchors?: unknown }

type AlertField = 'alertUrls' | 'alertPassFailures' | 'alertAnchorFactor' | 'alertBalanceDays' | 'alertOutboxMax'

const FILE_FIELDS = new Set(['dataDir', 'host', 'port', 'adminToken', 'auditorToken', 'replicationPort', 'chainPort', 'schedule', 'rpc', 'contract', 'keystore', 'confirmations', 'bootstrap', 'rateLimit', 'expensiveRequests', 'passBudgetSeconds',
  'alertUrls', 'alertPassFailures', 'alertAnchorFactor', 'alertBalanceDays', 'alertOutboxMax', 'anchors'])
/** Secrets the file must not hold: they come from the environment only. */
const SECRET_FIELDS: Record<string, string> = {
  sealerKey: 'put the sealer key in HYPERSEAL_SEALER_KEY or a keystore',
  alertSecret: 'put the webhook secret in HYPERSEAL_ALERT_SECRET',
  alertEd25519Key: 'put the alert signing key in HYPERSEAL_ALERT_ED25519_KEY'
}

const ENV: Record<string, keyof ConfigInput> = {
  HYPERSEAL_DATA: 'dataDir',
  HYPERSEAL_HOST: 'host',
  HYPERSEAL_PORT: 'port',
  HYPERSEAL_ADMIN_TOKEN: 'adminToken',
  HYPERSEAL_AUDITOR_TOKEN: 'auditorToken',
  HYPERSEAL_REPLICATION_PORT: 'replicationPort',
  HYPERSEAL_CHAIN_PORT: 'chainPort',
  HYPERSEAL_SCHEDULE: 'schedule',
  HYPERSEAL_RPC: 'rpc',
  HYPERSEAL_CONTRACT: 'contract',
  HYPERSEAL_KEYSTORE: 'keystore',
  HYPERSEAL_CONFIRMATIONS: 'confirmations',
  HYPERSEAL_BOOTSTRAP: 'bootstrap',
  HYPERSEAL_RATE_LIMIT: 'rateLimit',
  HYPERSEAL_EXPENSIVE_REQUESTS: 'expensiveRequests',
  HYPERSEAL_PASS_BUDGET: 'passBudgetSeconds',
  HYPERSEAL_ALERT_URLS: 'alertUrls',
  HYPERSEAL_ALERT_PASS_FAILURES: 'alertPassFailures',
  HYPERSEAL_ALERT_ANCHOR_FACTOR: 'alertAnchorFactor',
  HYPERSEAL_ALERT_BALANCE_DAYS: 'alertBalanceDays',
  HYPERSEAL_ALERT_OUTBOX_MAX: 'alertOutboxMax'
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
    if (SECRET_FIELDS[field] !== undefined) {
      throw new ConfigError('SECRET_IN_FILE', `config file ${path}: ${SECRET_FIELDS[field]}, not in a file`)
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
  const config = validate(raw, env)
  return { ...config, anchors: parseAnchors(fromFile.anchors, env, filePath ?? '.', config.schedule) }
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
    chainPort: parsePort('HYPERSEAL_CHAIN_PORT', str('chainPort') ?? DEFAULTS.chainPort, true),
    confirmations: parseConfirmations('HYPERSEAL_CONFIRMATIONS', str('confirmations') ?? DEFAULTS.confirmations),
    bootstrap: raw.bootstrap === undefined ? [] : parseHostPortList('HYPERSEAL_BOOTSTRAP', raw.bootstrap as string | string[]),
    rateLimit: parseRateLimit('HYPERSEAL_RATE_LIMIT', str('rateLimit') ?? DEFAULTS.rateLimit),
    expensiveRequests: parsePositiveInt('HYPERSEAL_EXPENSIVE_REQUESTS', str('expensiveRequests') ?? DEFAULTS.expensiveRequests, 1024),
    passBudgetSeconds: parseBoundedInt('HYPERSEAL_PASS_BUDGET', str('passBudgetSeconds') ?? DEFAULTS.passBudgetSeconds, 1, 3600),
    alerts: parseAlerts(raw, str, env, DEFAULTS)
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
    alerts: {
      ...config.alerts,
      urls: config.alerts.urls.map((u) => new URL(u).origin),
      signing: config.alerts.signing === null ? null : 'hmac' in config.alerts.signing ? 'hmac-sha256 [redacted]' : 'ed25519 [redacted]'
    },
    anchors: config.anchors.map((a) => (a.type === 'evm' ? { ...a, sealerKey: '[redacted]' } : a))
  }
}

function stripUndefined<T extends object> (o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}
