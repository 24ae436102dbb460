/**
 * Parsing an untrusted trust root: strict (every field known, every value in range), so that a
 * pinned file means exactly one thing. Addresses and keys come out lowercase.
 */
import { TrustError } from './errors'
import type { Finality, TrustedChain, TrustedContract, TrustedLog, TrustedReportKey, TrustedTsa, TrustRoot } from './types'

type Json = Record<string, unknown>

const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const BYTES32 = /^0x[0-9a-fA-F]{64}$/
const HEX32 = /^[0-9a-fA-F]{64}$/
const PEER = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253}):\d{1,5}$/
const MAX_ITEMS = 64
const MAX_CONFIRMATIONS = 100_000

function bad (why: string): TrustError {
  return new TrustError('BAD_TRUST_ROOT', `The trust root is not valid: ${why}. Get a fresh one with \`hyperseal trust export\` or from GET /v1/trust.`)
}

function object (value: unknown, where: string, required: readonly string[], optional: readonly string[] = []): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${where} must be an object`)
  const json = value as Json
  const unknown = Object.keys(json).filter((f) => !required.includes(f) && !optional.includes(f))
  if (unknown.length > 0) throw bad(`${where} has unknown field ${unknown.join(', ')}`)
  const missing = required.filter((f) => json[f] === undefined)
  if (missing.length > 0) throw bad(`${where} lacks ${missing.join(', ')}`)
  return json
}

function list<T> (value: unknown, where: string, item: (v: unknown, where: string) => T, min = 0): T[] {
  if (!Array.isArray(value) || value.length < min || value.length > MAX_ITEMS) throw bad(`${where} must be a list of ${min} to ${MAX_ITEMS} items`)
  return value.map((v, i) => item(v, `${where}[${i}]`))
}

function uint (value: unknown, where: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw bad(`${where} must be an integer from ${min} to ${max}`)
  return value
}

function match (value: unknown, where: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw bad(`${where} must be ${what}`)
  return value.toLowerCase()
}

function contract (value: unknown, where: string): TrustedContract {
  const json = object(value, where, ['address', 'codeHash', 'deployBlock'])
  return {
    address: match(json.address, `${where}.address`, ADDRESS, 'a 0x address'),
    codeHash: match(json.codeHash, `${where}.codeHash`, BYTES32, 'a 0x 32-byte hash'),
    deployBlock: uint(json.deployBlock, `${where}.deployBlock`)
  }
}

function finality (value: unknown, where: string): Finality {
  if (value === 'finalized') return value
  const json = object(value, where, ['confirmations'])
  return { confirmations: uint(json.confirmations, `${where}.confirmations`, 1, MAX_CONFIRMATIONS) }
}

function rpcHint (value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length > 2048 || !/^https?:\/\/[^\s]+$/.test(value)) throw bad(`${where} must be an http(s) URL`)
  return value
}

function chain (value: unknown, where: string): TrustedChain {
  const json = object(value, where, ['chainId', 'embedded', 'contracts', 'finality'], ['rpc'])
  if (typeof json.embedded !== 'boolean') throw bad(`${where}.embedded must be true or false`)
  return {
    chainId: uint(json.chainId, `${where}.chainId`, 1),
    embedded: json.embedded,
    contracts: list(json.contracts, `${where}.contracts`, contract, 1),
    finality: finality(json.finality, `${where}.finality`),
    rpc: json.rpc === undefined ? [] : list(json.rpc, `${where}.rpc`, rpcHint)
  }
}

function receiptsLog (value: unknown, where: string): TrustedLog {
  const json = object(value, where, ['key', 'peers'])
  return {
    key: match(json.key, `${where}.key`, HEX32, '64 hex characters'),
    peers: list(json.peers, `${where}.peers`, (v, w) => {
      if (typeof v !== 'string' || !PEER.test(v)) throw bad(`${w} must be host:port`)
      return v
    })
  }
}

function reportKey (value: unknown, where: string): TrustedReportKey {
  const json = object(value, where, ['alg', 'publicKey'])
  if (json.alg !== 'ed25519') throw bad(`${where}.alg must be "ed25519"`)
  return { alg: 'ed25519', publicKey: match(json.publicKey, `${where}.publicKey`, HEX32, '64 hex characters') }
}

const TSA_NAME = /^[A-Za-z0-9._:-]{1,64}$/
const PEM_CERT = /^(?:-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/
const MAX_PEM = 64 * 1024

function tsa (value: unknown, where: string): TrustedTsa {
  const json = object(value, where, ['name', 'certificates'])
  if (typeof json.name !== 'string' || !TSA_NAME.test(json.name)) throw bad(`${where}.name must be 1 to 64 characters of A-Z a-z 0-9 . _ : -`)
  if (typeof json.certificates !== 'string' || json.certificates.length > MAX_PEM || !PEM_CERT.test(json.certificates.trim() + '\n')) {
    throw bad(`${where}.certificates must be PEM certificates (at most ${MAX_PEM} characters)`)
  }
  return { name: json.name, certificates: json.certificates }
}

/** Parses a v1 or v2 trust root; a v1 document stays v1 (its fingerprint is over what it says). */
export function parseTrustRoot (value: unknown): TrustRoot {
  const v = (value as Json | null)?.v
  const json = object(value, 'the document', ['v', 'kind', 'name', 'chains', 'receiptsLogs', 'reportKeys', ...(v === 2 ? ['timestampAuthorities'] : [])])
  if (json.kind !== 'hyperseal-trust-root') throw bad('kind must be "hyperseal-trust-root"')
  if (json.v !== 1 && json.v !== 2) throw bad(`version ${JSON.stringify(json.v)} is neither 1 nor 2`)
  if (typeof json.name !== 'string' || json.name.length > 200) throw bad('name must be a string of at most 200 characters')
  const chains = list(json.chains, 'chains', chain, 1)
  const ids = chains.map((c) => c.chainId)
  if (new Set(ids).size !== ids.length) throw bad('a chain id appears twice')
  const common = {
    kind: 'hyperseal-trust-root' as const,
    name: json.name,
    chains,
    receiptsLogs: list(json.receiptsLogs, 'receiptsLogs', receiptsLog),
    reportKeys: list(json.reportKeys, 'reportKeys', reportKey)
  }
  if (json.v === 1) return { v: 1, ...common }
  const tsas = list(json.timestampAuthorities, 'timestampAuthorities', tsa)
  if (new Set(tsas.map((t) => t.name)).size !== tsas.length) throw bad('a time-stamping authority\'s name appears twice')
  return { v: 2, ...common, timestampAuthorities: tsas }
}
