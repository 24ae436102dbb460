/** Formatting for people: ETH from wei, times, shortened keys. */

const WEI_PER_ETH = 10n ** 18n

/** Wei (decimal string or bigint) as ETH with up to `digits` decimals, rounded down: "0.000123 ETH". */
export function eth (wei: string | bigint | null, digits = 6): string {
  if (wei === null) return '—'
  const value = typeof wei === 'bigint' ? wei : BigInt(wei)
  const whole = value / WEI_PER_ETH
  const scale = 10n ** BigInt(18 - digits)
  const fraction = ((value % WEI_PER_ETH) / scale).toString().padStart(digits, '0').replace(/0+$/, '')
  const text = fraction === '' ? whole.toLocaleString('en-US') : `${whole.toLocaleString('en-US')}.${fraction}`
  return value > 0n && text === '0' ? `< 0.${'0'.repeat(digits - 1)}1 ETH` : `${text} ETH`
}

export function time (iso: string | null): string {
  if (iso === null) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

/** How long ago, in the largest whole unit. */
export function ago (iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (s < 90) return `${s} s ago`
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`
  return `${Math.round(s / 86400)} days ago`
}

export const short = (hex: string): string => (hex.length > 16 ? `${hex.slice(0, 8)}…${hex.slice(-6)}` : hex)

export const count = (n: number): string => n.toLocaleString('en-US')
