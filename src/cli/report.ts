/**
 * `hyperseal report --from --to [--key …] --format json|html|pdf -o file`: fetches the signed
 * audit report from the service (admin). The service's work (reading the ledger, asking the
 * chain about every root) reports no progress, so stderr shows a spinner with the elapsed time
 * (cli-progress, TTY only), not a bar.
 *
 * `hyperseal report verify <file> [--rpc url]`: checks the signature of a signed JSON report,
 * and with --rpc every receipt in it again against that chain. Exit codes (exit-codes.ts): 0 ok,
 * 1 a bad signature or an invalid receipt, 2 bad input, 4 the RPC cannot be reached.
 */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { addClientOptions, type ClientOptions } from './client-options'
import { CliError } from './errors'
import { runCommand } from './exit'
import { EXIT, REPORT_CHECK_EXIT } from './exit-codes'
import { collect, writeAtomically } from './output'

const REPORT_TIMEOUT_SEC = 600
const FORMATS = ['json', 'html', 'pdf']

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
    .option('--format <format>', 'json (the signed document), html or pdf', 'json')
    .option('-o, --output <file>', 'write the report here (default: stdout)')
  addClientOptions(cmd, REPORT_TIMEOUT_SEC).action(async (opts: ReportOptions) => runCommand(opts, async () => {
    if (opts.from === undefined || opts.to === undefined) throw new CliError('BAD_INPUT', '--from and --to are required: the report covers [from, to).')
    if (!FORMATS.includes(opts.format)) throw new CliError('BAD_INPUT', `--format must be json, html or pdf, got ${JSON.stringify(opts.format)}.`)
    const { adminToken, apiBase, fetchDocument, timeoutMs } = await import('./http-client')
    const base = apiBase(opts, process.env)
    const token = adminToken(opts, process.env)
    const query = new URLSearchParams({ from: opts.from, to: opts.to, format: opts.format })
    for (const k of opts.key ?? []) query.append('key', k)
    const spin = await spinner()
    let body: Buffer
    try {
      body = await fetchDocument(base, `/v1/reports/audit?${query.toString()}`, token, timeoutMs(opts, REPORT_TIMEOUT_SEC))
    } finally {
      spin.stop()
    }
    if (opts.output === undefined) {
      process.stdout.write(body)
      return
    }
    writeAtomically(opts.output, body)
    process.stderr.write(`wrote ${body.length} bytes to ${opts.output}\n`)
  }))

  cmd.command('verify <file>')
    .description('check a signed JSON report: its Ed25519 signature by a key you pinned, and with --rpc every receipt in it against the chain your trust root names')
    .option('--trust <file>', 'the trust root you pinned: its report keys, chain and contract (hyperseal trust export)')
    .option('--key <hex>', 'instead of --trust: the report signing public key you trust (64 hex; repeatable)', collect)
    .option('--rpc <url>', 'an EVM JSON-RPC endpoint of the trusted chain: re-check every receipt (needs --trust)')
    .option('--timeout <seconds>', 'give up waiting for the RPC after this long (default: 30)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { trust?: string, key?: string[], rpc?: string, timeout?: string, json?: boolean }) => runCommand(opts, async () => {
      const { checkSignedReport } = await import('../report')
      const { readTrustFile } = await import('./trust-pin')
      const trust = opts.trust === undefined ? null : readTrustFile(opts.trust)
      const keys = [...(trust?.root.reportKeys.map((k) => k.publicKey) ?? []), ...(opts.key ?? []).map((k) => {
        if (!/^[0-9a-fA-F]{64}$/.test(k)) throw new CliError('BAD_INPUT', `--key must be 64 hex characters (an Ed25519 public key), got ${JSON.stringify(k.slice(0, 80))}.`)
        return k.toLowerCase()
      })]
      if (keys.length === 0) throw new CliError('BAD_INPUT', 'A report is only as good as the key that signed it: give the trust root you pinned (--trust <file>, with the service\'s report keys) or the key itself (--key <hex>). The key inside the document proves nothing: anyone can re-sign an edited report.')
      if (opts.rpc !== undefined && trust === null) throw new CliError('BAD_INPUT', '--rpc re-checks receipts on the chain your trust root names: give --trust <file>.')
      let doc: unknown
      try {
        doc = JSON.parse(readFileSync(file, 'utf8'))
      } catch (err) {
        throw new CliError('BAD_INPUT', `${file} is not a readable JSON file (${(err as Error).message}).`)
      }
      const check = checkSignedReport(doc, keys)
      if (!check.ok) {
        if (check.code === 'BAD_DOCUMENT') throw new CliError('BAD_INPUT', check.reason)
        print(opts.json, { ok: false, code: check.code, reason: check.reason }, [`SIGNATURE ${check.code}: ${check.reason}`])
        process.exitCode = REPORT_CHECK_EXIT[check.code]
        return
      }
      const lines = [`signature ok: signed by ${check.report.service.reportKey}, a key you pinned`]
      const result: Record<string, unknown> = { ok: true, reportKey: check.report.service.reportKey }
      if (check.report.chain?.embedded === true) lines.push('WARNING: the report is about the embedded development chain: its local administrator can rewrite it.')
      if (opts.rpc !== undefined && trust !== null) {
        const { recheckOnChain } = await import('./report-recheck')
        const { timeoutMs } = await import('./http-client')
        const recheck = await recheckOnChain(check.report, trust, opts.rpc, timeoutMs({ timeout: opts.timeout }, 30))
        result.receipts = recheck
        lines.push(`receipts on chain now: ${recheck.verified} verified, ${recheck.pending} pending, ${recheck.invalid.length} invalid of ${recheck.total}`)
        for (const bad of recheck.invalid) lines.push(`INVALID ${bad.key} length ${bad.length} fork ${bad.fork}: ${bad.reason}`)
        if (recheck.invalid.length > 0) {
          result.ok = false
          process.exitCode = EXIT.FAILED
        }
      }
      print(opts.json, result, lines)
    }))
}

function print (json: boolean | undefined, value: unknown, lines: string[]): void {
  process.stdout.write(json === true ? JSON.stringify(value, null, 2) + '\n' : lines.map((l) => l + '\n').join(''))
}
