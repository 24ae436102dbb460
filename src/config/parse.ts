import { isIP } from 'node:net'
import { ConfigError } from './errors'

// Small validators for outside values. Each names the setting in its error so the user knows
// which variable or flag to fix.

export function parsePort (name: string, raw: string | number, allowZero = false): number {
  const n = typeof raw === 'number' ? raw : /^\d{1,5}$/.test(raw.trim()) ? Number(raw) : NaN
  if (!Number.isInteger(n) || n > 65535 || n < (allowZero ? 0 : 1)) {
    throw new ConfigError('INVALID_VALUE', `${name} must be a TCP port (${allowZero ? 0 : 1}-65535), got ${JSON.stringify(raw)}`)
  }
  return n
}

export function parseHost (name: string, raw: string): string {
  const host = raw.trim()
  const hostname = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/
  if (isIP(host) === 0 && !hostname.test(host)) {
    throw new ConfigError('INVALID_VALUE', `${name} must be an IP address or host name, got ${JSON.stringify(raw)}`)
  }
  return host
}

export function parseNonNegativeInt (name: string, raw: string | number, max: number): number {
  return parseBoundedInt(name, raw, 0, max)
}

export function parseBoundedInt (name: string, raw: string | number, min: number, max: number): number {
  const n = typeof raw === 'number' ? raw : /^\d+$/.test(raw.trim()) ? Number(raw) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError('INVALID_VALUE', `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  }
  return n
}

export function parsePositiveInt (name: string, raw: string | number, max: number): number {
  const n = parseNonNegativeInt(name, raw, max)
  if (n === 0) throw new ConfigError('INVALID_VALUE', `${name} must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}`)
  return n
}

/** Confirmations (0-1000) before a seal is final, or `finalized`: the chain's finalized block tag decides. */
export function parseConfirmations (name: string, raw: string | number): number | 'finalized' {
  if (typeof raw === 'string' && raw.trim().toLowerCase() === 'finalized') return 'finalized'
  try {
    return parseNonNegativeInt(name, raw, 1000)
  } catch {
    throw new ConfigError('INVALID_VALUE', `${name} must be a number of confirmations (0 to 1000) or "finalized", got ${JSON.stringify(raw)}`)
  }
}

/** Requests a minute per address: an integer up to 1,000,000, or `0` / `off` for no limit. */
export function parseRateLimit (name: string, raw: string | number): number {
  if (typeof raw === 'string' && raw.trim().toLowerCase() === 'off') return 0
  try {
    return parseNonNegativeInt(name, raw, 1_000_000)
  } catch {
    throw new ConfigError('INVALID_VALUE', `${name} must be requests a minute per address (an integer from 1 to 1000000), or 0 or off for no limit, got ${JSON.stringify(raw)}`)
  }
}

export function parseUrl (name: string, raw: string, protocols: string[]): string {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new ConfigError('INVALID_VALUE', `${name} must be a URL (${protocols.join(', ')}), got ${JSON.stringify(raw)}`)
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError('INVALID_VALUE', `${name} must use ${protocols.join(' or ')}, got ${url.protocol}`)
  }
  return raw.trim()
}

export function parseAddress (name: string, raw: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw.trim())) {
    throw new ConfigError('INVALID_VALUE', `${name} must be a 0x-prefixed 20-byte contract address`)
  }
  return raw.trim()
}

/** A bearer token: at least 16 characters without spaces; never echoed back in the error. */
export function parseToken (name: string, raw: string): string {
  if (raw.length < 16 || /\s/.test(raw)) throw new ConfigError('INVALID_VALUE', `${name} must be at least 16 characters without spaces (value not shown)`)
  return raw
}

/** A private key is checked for shape only, and never echoed back in the error. */
export function parsePrivateKey (name: string, raw: string): string {
  const key = raw.trim()
  const hex = key.startsWith('0x') ? key.slice(2) : key
  if (!/^[0-9a-fA-F]{64}$/.test(hex) || /^0+$/.test(hex)) {
    throw new ConfigError('INVALID_VALUE', `${name} must be a 32-byte hex private key (value not shown)`)
  }
  return '0x' + hex.toLowerCase()
}

export function parseHostPortList (name: string, raw: string | string[]): string[] {
  const items = (Array.isArray(raw) ? raw : raw.split(',')).map((s) => s.trim()).filter(Boolean)
  return items.map((item) => {
    const m = /^(.+):(\d{1,5})$/.exec(item)
    if (m === null) throw new ConfigError('INVALID_VALUE', `${name}: ${JSON.stringify(item)} is not host:port`)
    return `${parseHost(name, m[1])}:${parsePort(name, m[2])}`
  })
}

/** Cron expressions of 5 fields (minute precision) or 6 (seconds first), as node-cron takes them. */
export function parseSchedule (name: string, raw: string, validate: (expr: string) => boolean): string {
  const expr = raw.trim().replace(/\s+/g, ' ')
  const fields = expr.split(' ').length
  if ((fields !== 5 && fields !== 6) || !validate(expr)) {
    throw new ConfigError('INVALID_VALUE', `${name} must be a cron expression such as "*/5 * * * *", got ${JSON.stringify(raw)}`)
  }
  return expr
}
