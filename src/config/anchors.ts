/**
 * The `anchors` section of the config file: later clocks beside the primary chain (which stays
 * HYPERSEAL_RPC / HYPERSEAL_CONTRACT / the embedded chain). Each has a name and its own cron
 * `schedule` (the seal schedule's syntax; default: the seal schedule).
 *
 *   { "type": "evm", "name": "l1", "rpc": "https://…", "chainId": 1, "contract": "0x…",
 *     "confirmations": 12 | "finalized", "schedule": "0 * * * *", "sealerKeyEnv": "HYPERSEAL_L1_SEALER_KEY" }
 *   { "type": "rfc3161", "name": "tsa", "url": "https://…", "certificates": "tsa-chain.pem", "schedule": "0,30 * * * *" }
 *
 * A sealer key is never in the file: `sealerKeyEnv` names the environment variable holding it.
 * `certificates` is a PEM file (relative to the config file): the TSA certificate chain to trust.
 */
import { readFileSync } from 'node:fs'
import { validate as validateCron } from 'node-cron'
import { dirname, resolve } from 'node:path'
import { ConfigError } from './errors'
import { parseAddress, parseBoundedInt, parsePrivateKey, parseSchedule, parseUrl } from './parse'

export interface EvmAnchorConfig {
  type: 'evm'
  name: string
  rpc: string
  chainId: number
  contract: string
  finality: { confirmations: number } | 'finalized'
  /** Cron expression: when this anchor runs. */
  schedule: string
  /** Secret, from the environment variable the file names. */
  sealerKey: string
}

export interface TsaAnchorConfig {
  type: 'rfc3161'
  name: string
  url: string
  /** PEM text of the certificate chain to trust. */
  certificates: string
  schedule: string
}

export type AnchorConfig = EvmAnchorConfig | TsaAnchorConfig

const NAME = /^[A-Za-z0-9._:-]{1,64}$/
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/
const MAX_ANCHORS = 16

function fields (json: Record<string, unknown>, where: string, allowed: string[]): void {
  if ('sealerKey' in json) throw new ConfigError('SECRET_IN_FILE', `${where}: name the environment variable holding the key in "sealerKeyEnv"; never put the key in a file`)
  // The count of passes it replaced restarted at every process start; say what to write instead.
  if ('everyPasses' in json) throw new ConfigError('UNKNOWN_FIELD', `${where}: "everyPasses" was replaced by "schedule", a cron expression like the seal schedule's (e.g. "0 * * * *": hourly)`)
  const unknown = Object.keys(json).filter((k) => !allowed.includes(k))
  if (unknown.length > 0) throw new ConfigError('UNKNOWN_FIELD', `${where}: unknown field "${unknown[0]}"`)
}

function text (json: Record<string, unknown>, field: string, where: string): string {
  const v = json[field]
  if (typeof v !== 'string' || v.trim() === '') throw new ConfigError('INVALID_VALUE', `${where}.${field} must be a string`)
  return v.trim()
}

/** `sealSchedule`: the service's seal schedule, an anchor's schedule when it names none. */
function anchorSchedule (json: Record<string, unknown>, where: string, sealSchedule: string): string {
  if (json.schedule === undefined) return sealSchedule
  if (typeof json.schedule !== 'string') throw new ConfigError('INVALID_VALUE', `${where}.schedule must be a cron expression such as "0 * * * *", got ${JSON.stringify(json.schedule)}`)
  return parseSchedule(`${where}.schedule`, json.schedule, validateCron)
}

export function parseAnchors (raw: unknown, env: NodeJS.ProcessEnv, configPath: string, sealSchedule: string): AnchorConfig[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw) || raw.length > MAX_ANCHORS) throw new ConfigError('INVALID_VALUE', `anchors must be a list of at most ${MAX_ANCHORS} anchors`)
  const out = raw.map((item: unknown, i): AnchorConfig => {
    const where = `anchors[${i}]`
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ConfigError('INVALID_VALUE', `${where} must be an object`)
    const json = item as Record<string, unknown>
    const name = text(json, 'name', where)
    if (!NAME.test(name) || name === 'primary') throw new ConfigError('INVALID_VALUE', `${where}.name must be 1 to 64 characters of A-Z a-z 0-9 . _ : - (and not "primary")`)
    if (json.type === 'evm') {
      fields(json, where, ['type', 'name', 'rpc', 'chainId', 'contract', 'confirmations', 'schedule', 'sealerKeyEnv'])
      const schedule = anchorSchedule(json, where, sealSchedule)
      const keyEnv = text(json, 'sealerKeyEnv', where)
      if (!ENV_NAME.test(keyEnv)) throw new ConfigError('INVALID_VALUE', `${where}.sealerKeyEnv must name an environment variable`)
      const key = env[keyEnv]
      if (key === undefined || key === '') throw new ConfigError('INVALID_VALUE', `${where}: the environment variable ${keyEnv} (the anchor's sealer key) is not set`)
      const confirmations = json.confirmations ?? 1
      return {
        type: 'evm',
        name,
        rpc: parseUrl(`${where}.rpc`, text(json, 'rpc', where), ['http:', 'https:', 'ws:', 'wss:']),
        chainId: parseBoundedInt(`${where}.chainId`, json.chainId as number, 1, Number.MAX_SAFE_INTEGER),
        contract: parseAddress(`${where}.contract`, text(json, 'contract', where)),
        finality: confirmations === 'finalized' ? 'finalized' : { confirmations: parseBoundedInt(`${where}.confirmations`, confirmations as number, 1, 100_000) },
        schedule,
        sealerKey: parsePrivateKey(keyEnv, key)
      }
    }
    if (json.type === 'rfc3161') {
      fields(json, where, ['type', 'name', 'url', 'certificates', 'schedule'])
      const schedule = anchorSchedule(json, where, sealSchedule)
      const file = resolve(dirname(configPath), text(json, 'certificates', where))
      let certificates: string
      try {
        certificates = readFileSync(file, 'utf8')
      } catch (err) {
        throw new ConfigError('BAD_FILE', `${where}.certificates: cannot read ${file}: ${(err as Error).message}`, { cause: err })
      }
      if (!certificates.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError('INVALID_VALUE', `${where}.certificates: ${file} holds no PEM certificate`)
      return { type: 'rfc3161', name, url: parseUrl(`${where}.url`, text(json, 'url', where), ['http:', 'https:']), certificates, schedule }
    }
    throw new ConfigError('INVALID_VALUE', `${where}.type must be "evm" or "rfc3161"`)
  })
  const names = out.map((a) => a.name)
  if (new Set(names).size !== names.length) throw new ConfigError('INVALID_VALUE', 'anchors: a name appears twice')
  return out
}
