/**
 * `hyperseal receipts export <key> [-o dir/|file.json] [--api url]`: every receipt of a core,
 * oldest first, in a form `verify --receipt` reads (receipt-files.ts): with `-o file.json` one
 * JSON list, with `-o dir/` one file per receipt (`<length>-<fork>-<root 8 hex>.json`), on
 * stdout without `-o`. Pages through `GET /v1/cores/:key/receipts`, then
 * `?limit=1000&cursor=…` while the answer (`{ receipts, next }`) names a `next`; a missing or
 * null `next` is the last page. Every file is written whole or not at all (temp + rename). The
 * route is public: no admin token.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { sep } from 'node:path'
import type { Command } from 'commander'
import type { Receipt } from '../seal'
import { CliError } from './errors'
import { runCommand } from './exit'
import { writeAtomically } from './output'
import { MAX_RECEIPT_FILE_BYTES, receiptFileName } from './receipt-files'

const PAGE_SIZE = 1000
const DEFAULT_TIMEOUT_SEC = 30
/** A cursor is the service's opaque text; anything longer than this is not our API. */
const MAX_CURSOR_CHARS = 4096

interface ExportOptions {
  output?: string
  api?: string
  timeout?: string
}

type Target = { kind: 'stdout' } | { kind: 'file', path: string } | { kind: 'dir', path: string }

export function registerReceipts (program: Command): void {
  const receipts = program.command('receipts')
    .description('the receipts of a core, in the forms `verify --receipt` reads')
  receipts.command('export')
    .description('export every receipt of a core, oldest first: one JSON list (stdout or -o file.json) or one file per receipt (-o dir/)')
    .argument('<key>', 'the core\'s key: 64 hex or 52 z-base-32 characters')
    .option('-o, --output <path>', 'a file (one JSON list) or a directory, named with a trailing / or existing (one <length>-<fork>-<root 8 hex>.json per receipt); default: stdout')
    .option('--api <url>', 'the service\'s API (default: http://$HYPERSEAL_HOST:$HYPERSEAL_PORT or http://127.0.0.1:8480)')
    .option('--timeout <seconds>', `give up waiting for one page after this long (default: ${DEFAULT_TIMEOUT_SEC})`)
    .action(async (key: string, opts: ExportOptions) => runCommand({}, async () => {
      const { keyHex } = await import('../heads')
      const { apiBase, timeoutMs } = await import('./http-client')
      const hex = keyHex(key)
      const base = apiBase(opts, process.env)
      const wait = timeoutMs(opts, DEFAULT_TIMEOUT_SEC)
      const target = targetOf(opts.output)
      const names = new Set<string>()
      // A directory is written page by page; one list is written whole at the end.
      const all: Receipt[] = []
      let count = 0
      for await (const page of receiptPages(base, hex, wait)) {
        count += page.length
        if (target.kind !== 'dir') all.push(...page)
        else for (const receipt of page) writeAtomically(`${target.path}${sep}${uniqueName(receipt, names)}`, JSON.stringify(receipt, null, 2) + '\n')
      }
      if (target.kind === 'dir') {
        process.stderr.write(`exported ${count} receipt${count === 1 ? '' : 's'} of core ${hex} to ${target.path}${sep}\n`)
        return
      }
      const text = JSON.stringify(all, null, 2) + '\n'
      if (target.kind === 'stdout') {
        process.stdout.write(text)
        return
      }
      if (Buffer.byteLength(text) > MAX_RECEIPT_FILE_BYTES) {
        throw new CliError('BAD_INPUT', `The ${all.length} receipts of core ${hex} take more than ${MAX_RECEIPT_FILE_BYTES} bytes, more than verify reads from one file; export them to a directory instead (-o dir/).`)
      }
      writeAtomically(target.path, text)
      process.stderr.write(`exported ${all.length} receipt${all.length === 1 ? '' : 's'} of core ${hex} to ${target.path}\n`)
    }))
}

/** `-o`: a directory when it ends with a slash (created) or already is one; else a file. */
function targetOf (output: string | undefined): Target {
  if (output === undefined) return { kind: 'stdout' }
  if (output === '') throw new CliError('BAD_INPUT', '-o needs a file or a directory path.')
  const isDir = output.endsWith('/') || output.endsWith(sep) || (existsSync(output) && statSync(output).isDirectory())
  if (!isDir) return { kind: 'file', path: output }
  const path = output.replace(/[/\\]+$/, '') || sep
  try {
    mkdirSync(path, { recursive: true })
  } catch (err) {
    throw new CliError('BAD_INPUT', `The directory ${path} cannot be created (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: err })
  }
  return { kind: 'dir', path }
}

/** The receipt's file name; the whole root instead of 8 hex in the (unlikely) case two share one. */
function uniqueName (receipt: Receipt, used: Set<string>): string {
  let name = receiptFileName(receipt)
  if (used.has(name)) name = `${receipt.head.length}-${receipt.head.fork}-${receipt.seal.root.slice(2)}.json`
  used.add(name)
  return name
}

/** The pages of a core's receipts, each checked: v1 receipts of this core, and a cursor that moves on. */
async function * receiptPages (base: URL, key: string, wait: number): AsyncGenerator<Receipt[]> {
  const { parseReceipt } = await import('../seal')
  const { request } = await import('./http-client')
  const seen = new Set<string>()
  let cursor: string | null = null
  do {
    // The first page without a query: a service from before pagination refuses any query (400)
    // and answers every receipt at once; a paging one answers its first page and `next`.
    const query = cursor === null ? '' : `?${new URLSearchParams({ limit: String(PAGE_SIZE), cursor }).toString()}`
    const { body } = await request(base, { method: 'GET', path: `/v1/cores/${key}/receipts${query}`, timeoutMs: wait })
    const page = body as { receipts?: unknown, next?: unknown } | null
    if (typeof page !== 'object' || page === null || !Array.isArray(page.receipts)) throw notReceipts(base, 'an answer without a "receipts" list')
    const next = page.next ?? null
    if (next !== null && (typeof next !== 'string' || next === '' || next.length > MAX_CURSOR_CHARS)) throw notReceipts(base, 'a "next" cursor that is not a short string or null')
    yield page.receipts.map((json, i) => {
      let receipt: Receipt
      try {
        receipt = parseReceipt(json)
      } catch (err) {
        throw notReceipts(base, `receipt ${i} of a page that is not a valid v1 receipt (${(err as Error).message})`)
      }
      if (receipt.head.key !== key) throw notReceipts(base, `receipt ${i} of a page that is of core ${receipt.head.key}`)
      return receipt
    })
    if (next !== null) {
      // A cursor seen before would page forever.
      if (seen.has(next)) throw notReceipts(base, 'a "next" cursor it had sent before')
      seen.add(next)
    }
    cursor = next
  } while (cursor !== null)
}

function notReceipts (base: URL, what: string): CliError {
  return new CliError('BAD_ANSWER', `${base.origin} sent ${what}; nothing more was exported. Check --api.`)
}
