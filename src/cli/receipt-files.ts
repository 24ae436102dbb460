/**
 * Receipts on disk: the forms `verify --receipt <path>` reads, and the names `receipts export`
 * writes (docs/formats.md "Receipt files"). A path is a file or a directory of `*.json` files;
 * each file holds one of:
 *
 *   - one receipt:                 { "v": 1, "head": …, "seal": …, "proof": […] }
 *   - a JSON list of receipts:     [ { "v": 1, … }, … ]
 *   - the API's answer:            { "receipts": [ … ], "next": "<cursor>" | null }  (`next` optional)
 *
 * Receipts go to the verifier as they are, so a tampered one gives an `invalid` verdict rather
 * than being dropped; only receipts that plainly name another core (a well-formed, different
 * `head.key`) are left out, so a directory may hold the receipts of many cores. Anything that
 * is none of the forms (not JSON, a verdict, an error answer, an object without `head` or
 * `seal`) is bad input (exit 2), named with its file and place.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Receipt } from '../seal'
import { CliError } from './errors'

/** More than this many receipt files in one directory is refused (a wrong path, most likely). */
const MAX_FILES = 100_000
/**
 * The largest receipt file read (about 200,000 receipts of ~1.2 KB): far below V8's longest
 * string (~512 MB), so JSON.parse never fails on size. `receipts export -o file.json` refuses to
 * write a larger file and asks for a directory instead, so what it writes can always be read.
 */
export const MAX_RECEIPT_FILE_BYTES = 256 * 1024 * 1024

const FORMS = 'a receipt, a JSON list of receipts, or the API\'s { "receipts": [...] } answer'

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

function readReceiptFile (file: string): object[] {
  let text: string
  try {
    if (statSync(file).size > MAX_RECEIPT_FILE_BYTES) throw new CliError('BAD_INPUT', `The receipt file ${file} is larger than ${MAX_RECEIPT_FILE_BYTES} bytes; export the receipts to a directory instead (-o dir/).`)
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError('BAD_INPUT', `The receipt file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new CliError('BAD_INPUT', `The receipt file ${file} is not JSON; give ${FORMS}.`)
  }
  const { items, single } = receiptList(json, file)
  if (items.length === 0) throw new CliError('BAD_INPUT', `The receipt file ${file} holds no receipt (an empty list).`)
  items.forEach((item, i) => {
    const where = single ? `The receipt file ${file}` : `Item ${i} of the receipt file ${file}`
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new CliError('BAD_INPUT', `${where} is not a JSON object; give ${FORMS}.`)
    if (!('head' in item) && !('seal' in item)) throw new CliError('BAD_INPUT', `${where} is not a receipt (it has neither "head" nor "seal"); give ${FORMS}.`)
  })
  return items as object[]
}

/** The receipts a file's JSON holds, by its form; throws when it is none of them. */
function receiptList (json: unknown, file: string): { items: unknown[], single: boolean } {
  if (Array.isArray(json)) return { items: json, single: false }
  if (typeof json !== 'object' || json === null) throw new CliError('BAD_INPUT', `The receipt file ${file} holds ${json === null ? 'null' : typeof json}; give ${FORMS}.`)
  if (!('receipts' in json)) return { items: [json], single: true }
  const { receipts, next, ...rest } = json as { receipts: unknown, next?: unknown }
  const extra = Object.keys(rest)
  if (!Array.isArray(receipts) || extra.length > 0 || !(next === undefined || next === null || typeof next === 'string')) {
    throw new CliError('BAD_INPUT', `The receipt file ${file} is not the API's answer ({ "receipts": [...], "next"?: cursor | null }${extra.length > 0 ? `; it also has ${extra.slice(0, 3).join(', ')}` : ''}); give ${FORMS}.`)
  }
  return { items: receipts, single: false }
}

function namesOtherCore (receipt: object, keyHex: string): boolean {
  const key = (receipt as { head?: { key?: unknown } }).head?.key
  return typeof key === 'string' && /^[0-9a-fA-F]{64}$/.test(key) && key.toLowerCase() !== keyHex
}

/** The file name `receipts export -o dir/` gives a receipt: `<length>-<fork>-<root 8 hex>.json`. */
export function receiptFileName (receipt: Receipt): string {
  return `${receipt.head.length}-${receipt.head.fork}-${receipt.seal.root.slice(2, 10)}.json`
}
