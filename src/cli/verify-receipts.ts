/**
 * `--receipt <path>` for an independent verify: one receipt JSON, a JSON array of receipts, a
 * saved page of `GET /v1/cores/:key/receipts` (`{ receipts, next }`), or a directory of `*.json`
 * files (each one of those). Receipts are passed to the
 * verifier as they are, so a tampered one gives an `invalid` verdict rather than being dropped;
 * only receipts that plainly name another core (a well-formed, different `head.key`) are left
 * out, so a directory may hold the receipts of many cores.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Receipt } from '../seal'
import { CliError } from './errors'

/** More than this many receipt files in one directory is refused (a wrong path, most likely). */
const MAX_FILES = 100_000
const MAX_FILE_BYTES = 16 * 1024 * 1024

export function loadReceipts (path: string, keyHex: string): Receipt[] {
  const full = resolve(path)
  let isDir: boolean
  try {
    isDir = statSync(full).isDirectory()
  } catch (err) {
    throw new CliError('BAD_INPUT', `The receipt path ${full} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`)
  }
  const files = isDir ? receiptFiles(full) : [full]
  const all = files.flatMap((file) => readReceiptFile(file))
  // Unchecked on purpose: the verifier screens every receipt and calls a malformed one invalid.
  return all.filter((r) => !namesOtherCore(r, keyHex)) as Receipt[]
}

function receiptFiles (dir: string): string[] {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort()
  if (names.length === 0) throw new CliError('BAD_INPUT', `The directory ${dir} holds no *.json receipt file.`)
  if (names.length > MAX_FILES) throw new CliError('BAD_INPUT', `The directory ${dir} holds more than ${MAX_FILES} *.json files; point --receipt at the receipts of one core.`)
  return names.map((n) => join(dir, n))
}

function readReceiptFile (file: string): unknown[] {
  let text: string
  try {
    if (statSync(file).size > MAX_FILE_BYTES) throw new CliError('BAD_INPUT', `The receipt file ${file} is larger than ${MAX_FILE_BYTES} bytes.`)
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError('BAD_INPUT', `The receipt file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new CliError('BAD_INPUT', `The receipt file ${file} is not JSON; give a receipt as served by GET /v1/receipts/:key/:length.`)
  }
  // A saved page of GET /v1/cores/:key/receipts is `{ receipts: [...], next }`.
  const page = (json as { receipts?: unknown } | null)?.receipts
  const list = Array.isArray(json) ? json : Array.isArray(page) ? page : [json]
  if (list.length === 0) throw new CliError('BAD_INPUT', `The receipt file ${file} holds an empty array.`)
  if (!list.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
    throw new CliError('BAD_INPUT', `The receipt file ${file} must hold a receipt object or an array of receipt objects.`)
  }
  return list
}

function namesOtherCore (receipt: unknown, keyHex: string): boolean {
  const key = (receipt as { head?: { key?: unknown } }).head?.key
  return typeof key === 'string' && /^[0-9a-fA-F]{64}$/.test(key) && key.toLowerCase() !== keyHex
}
