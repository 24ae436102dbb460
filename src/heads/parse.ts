import { isIP } from 'node:net'
import { decode as decodeId, encode as encodeId } from 'hypercore-id-encoding'
import { HeadsError } from './errors'

// Validators for the outside inputs of this area: core keys and peer addresses.

const HEX_KEY = /^[0-9a-fA-F]{64}$/
const Z32_KEY = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

function badKey (input: unknown): HeadsError {
  const shown = typeof input === 'string' ? JSON.stringify(input.length > 80 ? input.slice(0, 80) + '…' : input) : typeof input
  return new HeadsError('BAD_KEY', `A Hypercore key must be 32 bytes written as 64 hex characters or 52 z-base-32 characters, got ${shown}.`)
}

/**
 * Turns a key given as hex, z-base-32 or a 32-byte Buffer into its 32 bytes. z-base-32 must be
 * canonical (52 characters carry 260 bits; the 4 spare bits must be zero) so that one key has
 * exactly one spelling.
 */
export function parseKey (input: unknown): Buffer {
  if (Buffer.isBuffer(input)) {
    if (input.byteLength !== 32) throw badKey(`${input.byteLength}-byte buffer`)
    return Buffer.from(input)
  }
  if (typeof input !== 'string') throw badKey(input)
  if (HEX_KEY.test(input)) return Buffer.from(input, 'hex')
  if (Z32_KEY.test(input)) {
    const key = Buffer.from(decodeId(input))
    if (encodeId(key) !== input) throw badKey(input)
    return key
  }
  throw badKey(input)
}

/** Lowercase hex of a key given in any accepted spelling. */
export function keyHex (input: unknown): string {
  return parseKey(input).toString('hex')
}

export interface PeerAddress {
  host: string
  port: number
  /** Canonical `host:port` (`[v6]:port` for IPv6), used as the connection's identity. */
  address: string
}

/** Parses `host:port` (IPv4, host name, or `[IPv6]:port`); the port must be 1-65535. */
export function parsePeer (input: unknown): PeerAddress {
  const shown = typeof input === 'string' ? JSON.stringify(input.slice(0, 300)) : typeof input
  const fail = (why: string): HeadsError =>
    new HeadsError('BAD_PEER', `A peer must be written host:port (for example 127.0.0.1:8481): ${shown} ${why}.`)
  if (typeof input !== 'string') throw fail('is not a string')
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(input)
  if (m === null) throw fail('is not host:port')
  const host = m[1] ?? m[2]
  // A dotted all-digit name that is not an IPv4 address (999.1.1.1) is a typo, not a host name.
  const validName = HOSTNAME.test(host) && !/^[\d.]+$/.test(host)
  if (m[1] !== undefined ? isIP(host) !== 6 : isIP(host) !== 4 && !validName) {
    throw fail('does not name a valid host')
  }
  const port = Number(m[3])
  if (port < 1 || port > 65535) throw fail('has a port outside 1-65535')
  return { host, port, address: isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}` }
}
