/**
 * Files a person can drop on the verifier instead of typing a key and a version. Each reader
 * recognises its own format and returns what to verify, or null when the file is not its kind;
 * the first that recognises a file wins. A receipt file asks for a version of a core (verified
 * with the service's replica); a record proof (docs/formats.md "Record proof v1") is checked on
 * its own, with the chain only (proof-run.ts).
 */
import type { Receipt } from '../../seal'

export type Dropped =
  | { kind: 'receipts', key: string, version: number, receipts: Receipt[] }
  /** The document as parsed JSON: the checker parses it strictly and refuses it with a reason. */
  | { kind: 'record', document: unknown }

type Reader = (json: unknown) => Dropped | null

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * One receipt, a list of them, or the API's `{ receipts: [...] }` page, as `hyperseal receipts
 * export` writes. Only the form is checked here: a receipt with bad fields still goes to the
 * verifier, whose verdict is then `invalid` (as `hyperseal verify --receipt` does).
 */
const receiptFile: Reader = (json) => {
  const list = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.receipts) ? json.receipts : isRecord(json) && 'head' in json && 'seal' in json ? [json] : null
  if (list === null) return null
  if (list.length === 0) throw new Error('The file holds an empty list of receipts.')
  const heads = list.map((r, i) => {
    const head = isRecord(r) && isRecord(r.head) ? r.head : null
    if (head === null || typeof head.key !== 'string' || !/^[0-9a-fA-F]{64}$/.test(head.key) || !Number.isSafeInteger(head.length) || (head.length as number) < 1) {
      throw new Error(`Receipt ${i + 1} of the file has no head with a 64-hex key and a length.`)
    }
    return { key: head.key.toLowerCase(), length: head.length as number }
  })
  const keys = new Set(heads.map((h) => h.key))
  if (keys.size > 1) throw new Error('The file holds receipts of several cores; drop the receipts of one core.')
  return { kind: 'receipts', key: heads[0].key, version: Math.max(...heads.map((h) => h.length)), receipts: list as Receipt[] }
}

/** A record proof, recognised by its kind only (as `hyperseal verify-proof` does): a malformed one is the checker's to refuse, as `invalid`. */
const recordProof: Reader = (json) => (isRecord(json) && json.kind === 'hyperseal-record-proof' ? { kind: 'record', document: json } : null)

const READERS: Reader[] = [recordProof, receiptFile]

export function readDroppedFile (text: string): Dropped {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error('The file is not JSON: drop a receipt file (hyperseal receipts export) or a record proof (hyperseal prove).')
  }
  for (const reader of READERS) {
    const found = reader(json)
    if (found !== null) return found
  }
  throw new Error('The file is neither a record proof, a receipt, a list of receipts nor a page of GET /v1/cores/:key/receipts.')
}
