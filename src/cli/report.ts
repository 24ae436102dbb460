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
    .description('check a signed JSON report: its Ed25519 signature, and with --rpc every receipt in it against that chain')
    .option('--rpc <url>', 'an EVM JSON-RPC endpoint of the chain the report names')
    .option('--timeout <seconds>', 'give up waiting for the RPC after this long (default: 30)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { rpc?: string, timeout?: string, json?: boolean }) => runCommand(opts, async () => {
      const { checkSignedReport } = await import('../report')
      let doc: unknown
      try {
        doc = JSON.parse(readFileSync(file, 'utf8'))
      } catch (err) {
        throw new CliError('BAD_INPUT', `${file} is not a readable JSON file (${(err as Error).message}).`)
      }
      const check = checkSignedReport(doc)
      if (!check.ok) {
        if (check.code === 'BAD_DOCUMENT') throw new CliError('BAD_INPUT', check.reason)
        print(opts.json, { ok: false, code: check.code, reason: check.reason }, [`SIGNATURE ${check.code}: ${check.reason}`])
        process.exitCode = REPORT_CHECK_EXIT[check.code]
        return
      }
      const lines = [`signature ok: signed by ${check.report.service.reportKey}`]
      const result: Record<string, unknown> = { ok: true, reportKey: check.report.service.reportKey }
      if (opts.rpc !== undefined) {
        const { recheckOnChain } = await import('./report-recheck')
        const { timeoutMs } = await import('./http-client')
        const recheck = await recheckOnChain(check.report, opts.rpc, timeoutMs({ timeout: opts.timeout }, 30))
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
