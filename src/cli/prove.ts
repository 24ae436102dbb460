/**
 * `hyperseal prove <key> <index>`, `prove <bee key> --entry <k> [--version v]`,
 * `prove <drive key> --file <path> [--version v]`: a portable record proof (docs/formats.md
 * "Record proof") from a service (`GET /v1/proofs/...`, public), checked to be one, written to
 * `-o file` (whole or not at all) or stdout. `hyperseal verify-proof` checks it with no service.
 * Only declarations load up front; the request and the proof parser load when the command runs.
 */
import type { Command } from 'commander'
import { CliError } from './errors'
import { runCommand } from './exit'

const DEFAULT_TIMEOUT_SEC = 60

export interface ProveOptions {
  entry?: string
  file?: string
  version?: string
  output?: string
  api?: string
  timeout?: string
}

export function registerProve (program: Command): void {
  program.command('prove <key> [index]')
    .description('Write a portable proof that one block (<index>), one Hyperbee entry (--entry) or one Hyperdrive file (--file) existed, with its bytes, no later than its seal; check it anywhere with `hyperseal verify-proof`.')
    .option('--entry <key>', 'a Hyperbee entry: its key (UTF-8)')
    .option('--file <path>', 'a Hyperdrive file: its path')
    .option('--version <v>', 'with --entry or --file: the bee or drive version (default: the latest the service holds)')
    .option('-o, --output <file>', 'write the proof to this file (default: stdout)')
    .option('--api <url>', 'the service\'s API (default: http://$HYPERSEAL_HOST:$HYPERSEAL_PORT or http://127.0.0.1:8480)')
    .option('--timeout <seconds>', `give up waiting for the service after this long (default: ${DEFAULT_TIMEOUT_SEC})`)
    .action(async (key: string, index: string | undefined, opts: ProveOptions) => runCommand({}, async () => {
      const { runProve } = await import('./prove-run')
      await runProve(key, index, opts)
    }))
}

/** Which proof the arguments ask for, checked before anything is sent. */
export function proofPath (key: string, index: string | undefined, opts: ProveOptions): string {
  const asked = [index !== undefined, opts.entry !== undefined, opts.file !== undefined].filter(Boolean).length
  if (asked !== 1) throw new CliError('BAD_INPUT', 'Name exactly one record: a block <index>, --entry <key> (a Hyperbee) or --file <path> (a Hyperdrive).')
  const number = (text: string, what: string, min: number): string => {
    if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) throw new CliError('BAD_INPUT', `${what} must be a whole number ≥ ${min}, got ${JSON.stringify(text.slice(0, 40))}.`)
    return String(Number(text))
  }
  if (index !== undefined) {
    if (opts.version !== undefined) throw new CliError('BAD_INPUT', '--version goes with --entry or --file; a block proof names its block.')
    return `/v1/proofs/${key}/${number(index, 'The block index', 0)}`
  }
  const query = new URLSearchParams()
  if (opts.entry !== undefined) query.set('entry', opts.entry)
  if (opts.file !== undefined) query.set('file', opts.file)
  if (opts.version !== undefined) query.set('version', number(opts.version, '--version', 1))
  return `/v1/proofs/${key}?${query.toString()}`
}
