/** The alerts section of the config: webhook URLs, the signing secret (environment only), thresholds. */
import { ConfigError } from './errors'
import type { AlertsConfig, ConfigInput } from './load'
import { parseBoundedInt, parseUrl } from './parse'

interface AlertDefaults { alertPassFailures: number, alertAnchorFactor: number, alertBalanceDays: number, alertOutboxMax: number }

/** The HMAC secret's minimum: 32 characters is 128+ bits from any sane generator. */
const MIN_SECRET = 32

export function parseAlerts (raw: ConfigInput, str: (field: keyof ConfigInput) => string | undefined, env: NodeJS.ProcessEnv, d: AlertDefaults): AlertsConfig {
  const urlsRaw = raw.alertUrls
  const list = urlsRaw === undefined ? [] : Array.isArray(urlsRaw) ? urlsRaw : String(urlsRaw).split(',')
  const urls = list.map((u) => String(u).trim()).filter(Boolean).map((u) => {
    // The URL is not echoed back: its path or query may hold the receiver's token.
    try {
      return parseUrl('HYPERSEAL_ALERT_URLS', u, ['http:', 'https:'])
    } catch {
      throw new ConfigError('INVALID_VALUE', 'HYPERSEAL_ALERT_URLS must be comma-separated http:// or https:// URLs (value not shown)')
    }
  })
  if (new Set(urls).size !== urls.length) throw new ConfigError('INVALID_VALUE', 'HYPERSEAL_ALERT_URLS names the same URL twice')
  const hmac = env.HYPERSEAL_ALERT_SECRET
  const seed = env.HYPERSEAL_ALERT_ED25519_KEY
  if (hmac && seed) throw new ConfigError('INVALID_VALUE', 'set HYPERSEAL_ALERT_SECRET or HYPERSEAL_ALERT_ED25519_KEY, not both')
  let signing: AlertsConfig['signing'] = null
  if (hmac) {
    if (hmac.length < MIN_SECRET || /\s/.test(hmac)) throw new ConfigError('INVALID_VALUE', `HYPERSEAL_ALERT_SECRET must be at least ${MIN_SECRET} characters without spaces (value not shown)`)
    signing = { hmac }
  } else if (seed) {
    const hex = seed.trim().replace(/^0x/, '').toLowerCase()
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new ConfigError('INVALID_VALUE', 'HYPERSEAL_ALERT_ED25519_KEY must be a 32-byte Ed25519 seed in hex (value not shown)')
    signing = { ed25519Seed: hex }
  }
  if (urls.length > 0 && signing === null) {
    throw new ConfigError('INVALID_VALUE', 'HYPERSEAL_ALERT_URLS needs HYPERSEAL_ALERT_SECRET (HMAC-SHA256) or HYPERSEAL_ALERT_ED25519_KEY: alerts are never sent unsigned')
  }
  return {
    urls,
    signing,
    thresholds: {
      passFailures: parseBoundedInt('HYPERSEAL_ALERT_PASS_FAILURES', str('alertPassFailures') ?? d.alertPassFailures, 1, 1000),
      anchorFactor: parseBoundedInt('HYPERSEAL_ALERT_ANCHOR_FACTOR', str('alertAnchorFactor') ?? d.alertAnchorFactor, 1, 1000),
      balanceDays: parseBoundedInt('HYPERSEAL_ALERT_BALANCE_DAYS', str('alertBalanceDays') ?? d.alertBalanceDays, 0, 3650)
    },
    maxPending: parseBoundedInt('HYPERSEAL_ALERT_OUTBOX_MAX', str('alertOutboxMax') ?? d.alertOutboxMax, 1, 100_000)
  }
}
