/**
 * `hyperseal report --from --to [--key …] --format json|html|pdf|receipts -o file`: fetches the
 * signed audit report from the service (admin), and beside a JSON or PDF the receipts file of
 * that same report (x.receipts.jsonl). The service's work reports no progress, so stderr shows a
 * spinner with the elapsed time (cli-progress, TTY only), not a bar.
 *
 * `hyperseal report render <file.json> --format html|pdf -o out`: renders a report you hold.
 *
 * `hyperseal report verify <file.json|file.pdf> [--receipts f] [--rpc url]`: the signature, the
 * receipts file's binding, that a PDF is exactly the rendering of the JSON inside it, and with
 * --rpc every receipt again on chain. Exit codes (exit-codes.ts): 0 ok, 1 a bad signature, an
 * altered PDF or receipts file, or a receipt that no longer holds, 2 bad input, 4 the RPC cannot
 * be reached.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { SignedReport } from '../report'
import type { Command } from 'commander'
import { addClientOptions, type ClientOptions } from './client-options'
import { CliError } from './errors'
import { runCommand } from './exit'
import { EXIT, REPORT_CHECK_EXIT } from './exit-codes'
import { collect, writeAtomically } from './output'

const REPORT_TIMEOUT_SEC = 600
const FORMATS = ['json', 'html', 'pdf', 'receipts']

interface ReportOptions extends ClientOptions {
  from?: string
  to?: string
  key?: string[]
  format: string
  output?: string
}

async function spinner (): Promise<{ stop: () => void }> {
  if (process.stderr.isTTY !== true) return { stop: () => {} }
  const { SingleBar } = await import('cli-progress')
  const frames = ['|', '/', '-', '\\']
  const bar = new SingleBar({ format: '{spin} waiting for the report... {elapsed}s', stream: process.stderr, hideCursor: true, clearOnComplete: true })
  const started = Date.now()
  bar.start(1, 0, { spin: frames[0], elapsed: 0 })
  let i = 0
  const timer = setInterval(() => bar.update(0, { spin: frames[++i % frames.length], elapsed: Math.floor((Date.now() - started) / 1000) }), 120)
  return { stop: () => { clearInterval(timer); bar.stop() } }
}

export function registerReport (program: Command): void {
  const cmd = program.command('report')
    .description('fetch the signed audit report of a period: seals, gaps, incidents, batches and every receipt re-verified on chain')
    // `report verify --key` is the signer's key, `report --key` a core: each command's options are its own.
    .enablePositionalOptions()
    .option('--from <time>', 'start of the period (ISO 8601 with a zone, or epoch seconds)')
    .option('--to <time>', 'end of the period, excluded')
    .option('--key <key>', 'only this core (repeat, or comma-separated; default: every core)', collect)
    .option('--format <format>', 'json (the signed document), html, pdf (with the JSON attached) or receipts (the receipts file)', 'json')
    .option('-o, --output <file>', 'write the report here (default: stdout)')
  addClientOptions(cmd, REPORT_TIMEOUT_SEC).action(async (opts: ReportOptions) => runCommand(opts, async () => {
    if (opts.from === undefined || opts.to === undefined) throw new CliError('BAD_INPUT', '--from and --to are required: the report covers [from, to).')
    if (!FORMATS.includes(opts.format)) throw new CliError('BAD_INPUT', `--format must be json, html, pdf or receipts, got ${JSON.stringify(opts.format)}.`)
    const { adminToken, apiBase, fetchDocumentWithHeaders, fetchDocument, timeoutMs } = await import('./http-client')
    const base = apiBase(opts, process.env)
    const token = adminToken(opts, process.env)
    const query = new URLSearchParams({ from: opts.from, to: opts.to, format: opts.format })
    for (const k of opts.key ?? []) query.append('key', k)
    const spin = await spinner()
    let body: Buffer
    let receipts: Buffer | null = null
    try {
      const answer = await fetchDocumentWithHeaders(base, `/v1/reports/audit?${query.toString()}`, token, timeoutMs(opts, REPORT_TIMEOUT_SEC))
      body = answer.body
      const id = answer.headers.get('x-hyperseal-report')
      // The receipts file of the same report (never a new build), to keep beside a JSON or PDF written to a file.
      if (opts.output !== undefined && (opts.format === 'json' || opts.format === 'pdf') && id !== null && /^[0-9a-f]{32}$/.test(id)) {
        receipts = await fetchDocument(base, `/v1/reports/audit/${id}?format=receipts`, token, timeoutMs(opts, REPORT_TIMEOUT_SEC))
      }
    } finally {
      spin.stop()
    }
    if (opts.output === undefined) {
      process.stdout.write(body)
      return
    }
    writeAtomically(opts.output, body)
    process.stderr.write(`wrote ${body.length} bytes to ${opts.output}\n`)
    if (receipts !== null) {
      writeAtomically(receiptsPathOf(opts.output), receipts)
      process.stderr.write(`wrote the receipts file (${receipts.length} bytes) to ${receiptsPathOf(opts.output)}\n`)
    }
  }))

  cmd.command('render <file>')
    .description('render a signed JSON report you hold as HTML or PDF, locally: the same report, never a new one')
    .option('--receipts <file>', 'its receipts file, to attach to the PDF (default: <file>.receipts.jsonl when present)')
    .requiredOption('--format <format>', 'html or pdf')
    .requiredOption('-o, --output <file>', 'write the rendering here')
    .action(async (file: string, opts: { receipts?: string, format: string, output: string, json?: boolean }) => runCommand(opts, async () => {
      if (opts.format !== 'html' && opts.format !== 'pdf') throw new CliError('BAD_INPUT', `--format must be html or pdf, got ${JSON.stringify(opts.format)}.`)
      const { checkReceiptsFile, renderReport } = await import('../report')
      const doc = readJson(file) as SignedReport
      if (doc?.v !== 2 || doc.report?.v !== 2) throw new CliError('BAD_INPUT', `${file} is not a signed version 2 Hyperseal report.`)
      const receipts = receiptsBeside(file, opts.receipts)
      if (receipts !== null) {
        const bound = checkReceiptsFile(doc.report.receipts, receipts)
        if (!bound.ok) throw new CliError('BAD_INPUT', bound.reason)
      }
      const { body } = await renderReport(doc, receipts ?? Buffer.alloc(0), opts.format)
      writeAtomically(opts.output, body)
      process.stderr.write(`wrote ${body.length} bytes to ${opts.output}\n`)
    }))

  cmd.command('verify <file>')
    .description('check a signed report (its JSON, or its PDF with the JSON inside): the Ed25519 signature by a key you pinned, the receipts file it binds, that a PDF is exactly its rendering, and with --rpc every receipt against the chain your trust root names')
    .option('--trust <file>', 'the trust root you pinned: its report keys, chain and contract (hyperseal trust export)')
    .option('--key <hex>', 'instead of --trust: the report signing public key you trust (64 hex; repeatable)', collect)
    .option('--receipts <file>', 'the receipts file (default: the one attached to the PDF, else <file>.receipts.jsonl when present)')
    .option('--rpc <url>', 'an EVM JSON-RPC endpoint of the trusted chain: re-check every receipt (needs --trust)')
    .option('--timeout <seconds>', 'give up waiting for the RPC after this long (default: 30)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { trust?: string, key?: string[], receipts?: string, rpc?: string, timeout?: string, json?: boolean }) => runCommand(opts, async () => {
      const { checkReportDocument } = await import('../report')
      const { readTrustFile } = await import('./trust-pin')
      const trust = opts.trust === undefined ? null : readTrustFile(opts.trust)
      const keys = [...(trust?.root.reportKeys.map((k) => k.publicKey) ?? []), ...(opts.key ?? []).map((k) => {
        if (!/^[0-9a-fA-F]{64}$/.test(k)) throw new CliError('BAD_INPUT', `--key must be 64 hex characters (an Ed25519 public key), got ${JSON.stringify(k.slice(0, 80))}.`)
        return k.toLowerCase()
      })]
      if (keys.length === 0) throw new CliError('BAD_INPUT', 'A report is only as good as the key that signed it: give the trust root you pinned (--trust <file>, with the service\'s report keys) or the key itself (--key <hex>). The key inside the document proves nothing: anyone can re-sign an edited report.')
      if (opts.rpc !== undefined && trust === null) throw new CliError('BAD_INPUT', '--rpc re-checks receipts on the chain your trust root names: give --trust <file>.')
      const bytes = readBytes(file)
      const check = await checkReportDocument(bytes, keys, receiptsBeside(file, opts.receipts) ?? undefined)
      if (!check.ok) {
        if (check.code === 'BAD_DOCUMENT') throw new CliError('BAD_INPUT', check.reason)
        print(opts.json, { ok: false, code: check.code, reason: check.reason }, [`REFUSED ${check.code}: ${check.reason}`])
        process.exitCode = REPORT_CHECK_EXIT[check.code]
        return
      }
      const r = check.report
      const lines = [`signature ok: signed by ${r.service.reportKey}, a key you pinned`]
      if (check.kind === 'pdf') lines.push('pdf ok: it is exactly the rendering of the signed report it carries')
      lines.push(check.receiptsFile === null
        ? `receipts file not checked: give --receipts <file> (SHA-256 ${r.receipts.sha256})`
        : `receipts file ok: ${r.receipts.lines} receipts, SHA-256 ${r.receipts.sha256} (${check.receiptsFrom === 'pdf' ? 'attached to the PDF' : 'given'})`)
      const result: Record<string, unknown> = { ok: true, kind: check.kind, reportKey: r.service.reportKey, receiptsFile: check.receiptsFile !== null }
      if (r.chain?.embedded === true) lines.push('WARNING: the report is about the embedded development chain: its local administrator can rewrite it.')
      if (opts.rpc !== undefined && trust !== null) {
        if (check.receiptsFile === null) throw new CliError('BAD_INPUT', '--rpc re-checks every receipt: give the receipts file (--receipts <file>) or a PDF that carries it.')
        const { recheckOnChain } = await import('./report-recheck')
        const { timeoutMs } = await import('./http-client')
        const recheck = await recheckOnChain(check.receiptsFile, trust, opts.rpc, timeoutMs({ timeout: opts.timeout }, 30))
        result.receipts = recheck
        lines.push(`receipts on chain now: ${recheck.verified} verified, ${recheck.pending} pending, ${recheck.invalid.length} invalid of ${recheck.total}`)
        for (const bad of recheck.invalid) lines.push(`NO LONGER HOLDS ${bad.key} length ${bad.length} fork ${bad.fork}: ${bad.reason}`)
        if (recheck.invalid.length > 0) {
          result.ok = false
          process.exitCode = EXIT.FAILED
        }
      }
      print(opts.json, result, lines)
    }))
}

function readBytes (file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    throw new CliError('BAD_INPUT', `${file} cannot be read (${(err as Error).message}).`)
  }
}

function readJson (file: string): unknown {
  try {
    return JSON.parse(readBytes(file).toString('utf8'))
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError('BAD_INPUT', `${file} is not a JSON file (${(err as Error).message}).`)
  }
}

/** Where a report's receipts file is written beside it: x.json or x.pdf → x.receipts.jsonl. */
export function receiptsPathOf (file: string): string {
  return file.replace(/\.(json|pdf|html)$/i, '') + '.receipts.jsonl'
}

/** The receipts file given, else the one beside the report when present, else null. */
function receiptsBeside (file: string, given: string | undefined): Buffer | null {
  if (given !== undefined) return readBytes(given)
  const beside = receiptsPathOf(file)
  return !file.endsWith('.receipts.jsonl') && existsSync(beside) ? readFileSync(beside) : null
}

function print (json: boolean | undefined, value: unknown, lines: string[]): void {
  process.stdout.write(json === true ? JSON.stringify(value, null, 2) + '\n' : lines.map((l) => l + '\n').join(''))
}
