/** Parsers for the journal's records and for what callers hand to its transition methods. */
import type { FinalInfo, InflightBatch, MinedInfo, ReorgInfo, SentTx, TxInfo } from './inflight'
import { keyHex } from './keys'
import { roots as rootsOf } from './log-records'
import { array, asInput, head, Invalid, iso, oneOf, record, text, uint } from './validate'

const BYTES32 = /^0x[0-9a-f]{64}$/
const WEI = /^(0|[1-9]\d{0,77})$/
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/
const IPV6 = /^\[[0-9a-f:.]{2,45}\]$/
const NAME = /^[A-Za-z0-9._:-]{1,128}$/

export interface WatchEntry {
  key: string
  /** `host:port` endpoints that speak Hypercore replication, in the order they were added. */
  peers: string[]
  addedAt: string
  /** The operator's name for the core (see `label`); absent when none was given. */
  label?: string
}

export const LABEL_MAX = 64
// 1 to 64 characters (code points); no control, format, private-use or unassigned character
// (which hide text or reorder it on screen), no line break, no space at either end.
const LABEL = /^[^\p{C}\p{Z}](?:[^\p{C}\p{Zl}\p{Zp}]{0,62}[^\p{C}\p{Z}])?$/u

/** What `Journal.addWatches` takes for one core. */
export interface WatchInput {
  key: string | Buffer
  peers?: string[]
  label?: string
}

/** A label from outside, checked once at the edge: BAD_INPUT with the rule when it breaks it. */
export function parseLabel (value: unknown): string {
  return asInput('label', value, (v) => label(v, 'label'))
}

/** A core's label: a short printable string, as the operator typed it. */
export function label (value: unknown, where: string): string {
  if (typeof value !== 'string' || !LABEL.test(value)) {
    throw new Invalid(`${where} must be 1 to ${LABEL_MAX} printable characters, without control characters, line breaks or spaces at either end`)
  }
  return value
}

/** `host:port` with a hostname, IPv4 or [IPv6] host and a port 1–65535; host lowercased. */
export function peer (value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Invalid(`${where} must be a host:port string`)
  const at = value.lastIndexOf(':')
  const host = value.slice(0, at).toLowerCase()
  const port = value.slice(at + 1)
  if (at < 1 || !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new Invalid(`${where} must end in :port with a port from 1 to 65535`)
  if (!HOSTNAME.test(host) && !IPV6.test(host)) throw new Invalid(`${where} has a malformed host ${JSON.stringify(host)}`)
  return `${host}:${Number(port)}`
}

export function parseWatch (value: unknown): WatchEntry {
  const json = record(value, 'the watch entry', ['key', 'peers', 'addedAt'], ['label'])
  const out: WatchEntry = { key: keyHex(text(json.key, 'key', /^[0-9a-f]{64}$/)), peers: array(json.peers, 'peers', peer), addedAt: iso(json.addedAt, 'addedAt') }
  if (json.label !== undefined) out.label = label(json.label, 'label')
  return out
}

function wei (value: unknown, where: string): string {
  const s = typeof value === 'bigint' ? value.toString() : value
  return text(s, where, WEI)
}

const TX_FIELDS = ['hash', 'nonce', 'sentAt'] as const
const FEE_FIELDS = ['maxFeePerGas', 'maxPriorityFeePerGas', 'gasPrice'] as const

export function parseTx (value: unknown, where = 'tx'): TxInfo {
  const json = record(value, where, TX_FIELDS, [...FEE_FIELDS, 'replaced'])
  const out: TxInfo = { hash: text(json.hash, `${where}.hash`, BYTES32), nonce: uint(json.nonce, `${where}.nonce`), sentAt: iso(json.sentAt, `${where}.sentAt`) }
  for (const fee of FEE_FIELDS) if (json[fee] !== undefined) out[fee] = wei(json[fee], `${where}.${fee}`)
  return out
}

function parseSentTx (value: unknown): SentTx {
  const replaced = array((value as { replaced?: unknown })?.replaced, 'tx.replaced', (v, w) => parseTx(v, w))
  return { ...parseTx(value), replaced }
}

export function parseMined (value: unknown): MinedInfo {
  const json = record(value, 'mined', ['blockNumber', 'blockHash', 'timestamp'], ['txHash'])
  const out: MinedInfo = { blockNumber: uint(json.blockNumber, 'mined.blockNumber'), blockHash: text(json.blockHash, 'mined.blockHash', BYTES32), timestamp: uint(json.timestamp, 'mined.timestamp') }
  if (json.txHash !== undefined) out.txHash = text(json.txHash, 'mined.txHash', BYTES32)
  return out
}

export function parseFinal (value: unknown): FinalInfo {
  const json = record(value, 'final', ['blockNumber', 'blockHash', 'finalizedAt'])
  return { blockNumber: uint(json.blockNumber, 'final.blockNumber'), blockHash: text(json.blockHash, 'final.blockHash', BYTES32), finalizedAt: iso(json.finalizedAt, 'final.finalizedAt') }
}

function parseReorg (value: unknown, where: string): ReorgInfo {
  const json = record(value, where, ['blockNumber', 'blockHash', 'detectedAt'])
  return { blockNumber: uint(json.blockNumber, `${where}.blockNumber`), blockHash: text(json.blockHash, `${where}.blockHash`, BYTES32), detectedAt: iso(json.detectedAt, `${where}.detectedAt`) }
}

const STATES = ['prepared', 'sent', 'mined', 'final'] as const

/** What an in-flight batch's leaves file holds, written once (see inflight-store.ts). */
export type InflightLeavesRecord = { v: 1 } & Pick<InflightBatch, 'id' | 'root' | 'seq' | 'createdAt' | 'leaves' | 'roots' | 'resealOf'>

/** An in-flight batch's small state record, replaced on every transition. */
export type InflightStateRecord = { v: 1 } & Pick<InflightBatch, 'state' | 'updatedAt' | 'attempts' | 'tx' | 'mined' | 'final' | 'reorgs'>

export function parseInflightLeaves (value: unknown): InflightLeavesRecord {
  const json = record(value, 'the in-flight batch', ['v', 'id', 'root', 'seq', 'createdAt', 'leaves', 'roots'], ['resealOf'])
  if (json.v !== 1) throw new Invalid(`in-flight batch version ${String(json.v)} is not 1`)
  const leaves = array(json.leaves, 'leaves', head)
  if (!Array.isArray(json.roots) || json.roots.length !== leaves.length) throw new Invalid('roots must be an array with one entry per leaf')
  const roots = json.roots.map((v, i) => v === null ? null : rootsOf(v, leaves[i], `roots[${i}]`))
  const out: InflightLeavesRecord = {
    v: 1,
    id: text(json.id, 'id', NAME),
    root: text(json.root, 'root', BYTES32),
    seq: uint(json.seq, 'seq'),
    createdAt: iso(json.createdAt, 'createdAt'),
    leaves,
    roots
  }
  if (json.resealOf !== undefined) out.resealOf = array(json.resealOf, 'resealOf', (v, where) => text(v, where, BYTES32))
  return out
}

export function parseInflightState (value: unknown): InflightStateRecord {
  const json = record(value, 'the in-flight state', ['v', 'state', 'updatedAt', 'attempts', 'reorgs'], ['tx', 'mined', 'final'])
  if (json.v !== 1) throw new Invalid(`in-flight state version ${String(json.v)} is not 1`)
  const out: InflightStateRecord = {
    v: 1,
    state: oneOf(json.state, 'state', STATES),
    updatedAt: iso(json.updatedAt, 'updatedAt'),
    attempts: uint(json.attempts, 'attempts'),
    reorgs: array(json.reorgs, 'reorgs', parseReorg)
  }
  if (json.tx !== undefined) out.tx = parseSentTx(json.tx)
  if (json.mined !== undefined) out.mined = parseMined(json.mined)
  if (json.final !== undefined) out.final = parseFinal(json.final)
  const needs = { prepared: [], sent: ['tx'], mined: ['mined'], final: ['mined', 'final'] }[out.state] as Array<'tx' | 'mined' | 'final'>
  const missing = needs.filter((f) => out[f] === undefined)
  if (missing.length > 0) throw new Invalid(`a ${out.state} batch lacks ${missing.join(', ')}`)
  return out
}

/** An in-flight batch from its two files (inflight-store.ts). */
export function parseInflightParts (value: unknown): InflightBatch {
  const { leaves, state } = (value ?? {}) as { leaves?: unknown, state?: unknown }
  return joinInflight(parseInflightLeaves(leaves), parseInflightState(state))
}

/** An in-flight batch from its two parsed records. */
export function joinInflight (leaves: InflightLeavesRecord, state: InflightStateRecord): InflightBatch {
  const { v: _v, ...fixed } = leaves
  const { v: _w, ...current } = state
  return { ...fixed, ...current }
}

/** The two files of an in-flight batch. */
export function inflightParts (b: InflightBatch): { leaves: InflightLeavesRecord, state: InflightStateRecord } {
  const { id, root, seq, createdAt, leaves, roots, resealOf, state, updatedAt, attempts, tx, mined, final, reorgs } = b
  return {
    leaves: { v: 1, id, root, seq, createdAt, leaves, roots, ...(resealOf !== undefined ? { resealOf } : {}) },
    state: { v: 1, state, updatedAt, attempts, ...(tx ? { tx } : {}), ...(mined ? { mined } : {}), ...(final ? { final } : {}), reorgs }
  }
}

/**
 * An in-flight batch as journals before this version kept it in the Hyperbee (one record with
 * its leaves); read once at open, to move it to the files.
 */
export function parseLegacyInflight (value: unknown, seq: number): InflightBatch {
  const json = record(value, 'the in-flight batch', ['id', 'root', 'leaves', 'state', 'createdAt', 'updatedAt', 'attempts', 'reorgs'], ['tx', 'mined', 'final'])
  const { id, root, leaves, createdAt, ...rest } = json
  return parseInflightParts({
    leaves: { v: 1, id, root, seq, createdAt, leaves, roots: Array.isArray(leaves) ? leaves.map(() => null) : [] },
    state: { v: 1, ...rest }
  })
}

/** Why and since when a watched core is stale (a pass could not get what it needed from its peers). */
export interface StaleMark {
  /** When it became stale (ISO 8601). */
  since: string
  /** The last head seen, or null when none ever was. */
  lastHead: { length: number, fork: number } | null
  reason: string
}

export function parseStale (value: unknown): StaleMark {
  const json = record(value, 'the stale mark', ['since', 'lastHead', 'reason'])
  let lastHead: StaleMark['lastHead'] = null
  if (json.lastHead !== null) {
    const h = record(json.lastHead, 'lastHead', ['length', 'fork'])
    lastHead = { length: uint(h.length, 'lastHead.length'), fork: uint(h.fork, 'lastHead.fork') }
  }
  if (typeof json.reason !== 'string' || json.reason.length === 0 || json.reason.length > 500) throw new Invalid('reason must be 1 to 500 characters')
  return { since: iso(json.since, 'since'), lastHead, reason: json.reason }
}
