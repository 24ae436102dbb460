import { getAddress, hexlify, isHexString, SigningKey } from 'ethers'
import { ChainError } from './errors'

// Validators for what comes from outside (config, callers). Config problems are INVALID_CONFIG,
// call arguments INVALID_INPUT; each message names the value so the user knows what to fix.

/** 32 bytes as 0x-hex or raw bytes (Hypercore keys and tree hashes are Buffers). */
export type Bytes32 = string | Uint8Array

export const MAX_LEAF_COUNT = 2 ** 32 - 1
const MAX_UINT64 = 2n ** 64n - 1n

export function parseRpcUrl (raw: string): string {
  let url: URL
  try {
    url = new URL(String(raw).trim())
  } catch {
    throw new ChainError('INVALID_CONFIG', `The RPC URL must be an http(s) URL, got ${JSON.stringify(raw)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChainError('INVALID_CONFIG', `The RPC URL must use http or https (JSON-RPC over HTTP), got ${url.protocol}`)
  }
  // The URL is kept as given: a provider URL may carry an API key in its path, so callers
  // show only `rpcOrigin(url)` in messages and logs.
  return String(raw).trim()
}

/** The part of an RPC URL that is safe to show (no path, query or credentials). */
export function rpcOrigin (rpcUrl: string): string {
  try {
    const url = new URL(rpcUrl)
    return `${url.protocol}//${url.host}`
  } catch {
    return '(invalid URL)'
  }
}

/** A 20-byte address; mixed case must carry a valid EIP-55 checksum. Returns the checksummed form. */
export function parseAddress (name: string, raw: string): string {
  try {
    if (typeof raw !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(raw.trim())) throw new Error('shape')
    return getAddress(raw.trim())
  } catch {
    throw new ChainError('INVALID_CONFIG', `${name} must be a 0x-prefixed 20-byte address with a valid checksum, got ${JSON.stringify(raw)}`)
  }
}

const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** A secp256k1 private key (1 <= k < n); checked for shape and range, and never echoed back. */
export function parsePrivateKey (name: string, raw: string): string {
  const key = typeof raw === 'string' ? raw.trim() : ''
  const hex = key.startsWith('0x') ? key : '0x' + key
  try {
    if (!/^0x[0-9a-fA-F]{64}$/.test(hex) || BigInt(hex) === 0n || BigInt(hex) >= SECP256K1_ORDER) throw new Error('range')
    return new SigningKey(hex.toLowerCase()).privateKey
  } catch {
    throw new ChainError('INVALID_CONFIG', `${name} must be a 32-byte hex secp256k1 private key (value not shown)`)
  }
}

export function parseBytes32 (name: string, raw: Bytes32): string {
  if (raw instanceof Uint8Array) {
    if (raw.length === 32) return hexlify(raw)
  } else if (typeof raw === 'string' && isHexString(raw, 32)) {
    return raw.toLowerCase()
  }
  throw new ChainError('INVALID_INPUT', `${name} must be 32 bytes (0x + 64 hex digits or a 32-byte buffer)`)
}

export function parseLeafCount (raw: number): number {
  if (!Number.isInteger(raw) || raw < 1 || raw > MAX_LEAF_COUNT) {
    throw new ChainError('INVALID_INPUT', `The leaf count must be an integer from 1 to ${MAX_LEAF_COUNT}, got ${String(raw)}`)
  }
  return raw
}

export function parseUint64 (name: string, raw: number | bigint): bigint {
  const ok = typeof raw === 'bigint' || Number.isSafeInteger(raw)
  const n = ok ? BigInt(raw) : -1n
  if (n < 0n || n > MAX_UINT64) {
    throw new ChainError('INVALID_INPUT', `${name} must be an integer from 0 to 2^64-1, got ${String(raw)}`)
  }
  return n
}

export function parseTxHash (raw: string): string {
  if (typeof raw !== 'string' || !isHexString(raw, 32)) {
    throw new ChainError('INVALID_INPUT', `A transaction hash must be 0x + 64 hex digits, got ${JSON.stringify(raw)}`)
  }
  return raw.toLowerCase()
}

/** A positive whole number of milliseconds (or blocks, for confirmations) up to `max`. */
export function parsePositiveInt (name: string, raw: number, max: number, code: 'INVALID_CONFIG' | 'INVALID_INPUT' = 'INVALID_INPUT'): number {
  if (!Number.isSafeInteger(raw) || raw < 1 || raw > max) {
    throw new ChainError(code, `${name} must be an integer from 1 to ${max}, got ${String(raw)}`)
  }
  return raw
}

export type BlockTag = number | 'latest' | 'safe' | 'finalized'

export function parseBlockTag (raw: BlockTag): BlockTag {
  if (raw === 'latest' || raw === 'safe' || raw === 'finalized') return raw
  if (Number.isSafeInteger(raw) && raw >= 0) return raw
  throw new ChainError('INVALID_INPUT', `A block must be a block number (integer >= 0) or 'latest', 'safe' or 'finalized', got ${JSON.stringify(raw)}`)
}
