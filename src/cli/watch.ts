import type { Command } from 'commander'
import type { CoreView, WatchItem } from '../api'
import { addClientOptions, type ClientOptions } from './client-options'
import { CliError } from './errors'
import { runCommand } from './exit'
import { collect, printResult } from './output'

interface WatchOptions extends ClientOptions { peer?: string[], label?: string, file?: string }

/** Keys sent per request by `--file`: well inside the API's bulk limit (BULK_WATCH_MAX) and body size. */
export const WATCH_CHUNK = 1_000

/**
 * `hyperseal watch <key> [--peer host:port ...] [--label text]`: add a core to the running
 * service (or merge its peers, or relabel it). `--file keys.txt` instead of a key watches every
 * key of the file (the peers and label apply to each), sent in chunks of WATCH_CHUNK.
 */
export function registerWatch (program: Command): void {
  const cmd = program.command('watch')
    .description('watch a Hypercore (or every key of --file): the service replicates its heads and seals them on every pass')
    .argument('[key]', 'the core\'s key: 64 hex or 52 z-base-32 characters')
    .option('--peer <host:port>', 'a peer that serves the core over Hypercore replication (repeatable)', collect)
    .option('--label <text>', 'a short name for the core, shown in lists (posting again with another label replaces it)')
    .option('--file <path>', 'watch every key of this file: one key per line, blank lines and # comments skipped')
  addClientOptions(cmd, 30).action(async (key: string | undefined, opts: WatchOptions) => runCommand(opts, async () => {
    // Loaded here, not above: declaring the command must stay cheap (`--help`).
    const { keyHex, parsePeer } = await import('../heads')
    const { adminToken, apiBase, request, timeoutMs } = await import('./http-client')
    const { readKeyFile } = await import('./watch-file')
    // Everything is checked here first, so a typo never reaches the service (exit 2).
    if ((key === undefined) === (opts.file === undefined)) throw new CliError('BAD_INPUT', 'Give either a core key or --file <path>, not both and not neither.')
    const peers = (opts.peer ?? []).map((p) => parsePeer(p).address)
    const label = opts.label === undefined ? undefined : await checkedLabel(opts.label)
    const keys = opts.file === undefined ? [keyHex(key)] : readKeyFile(opts.file)
    const base = apiBase(opts, process.env)
    const token = adminToken(opts, process.env)
    const ms = timeoutMs(opts, 30)
    if (opts.file === undefined) {
      const { status, body } = await request(base, { method: 'POST', path: '/v1/cores', body: { key: keys[0], peers, ...(label === undefined ? {} : { label }) }, token, timeoutMs: ms })
      const core = (body as { core: CoreView }).core
      const created = status === 201
      printResult(opts.json, { created, core }, () => [
        created ? `watching ${core.key}` : `already watching ${core.key}; peers merged${label === undefined ? '' : ', label set'}`,
        `peers: ${core.peers.length === 0 ? 'none (the service waits for writers to connect, or finds them by discovery)' : core.peers.join(', ')}`,
        ...(core.label === null ? [] : [`label: ${core.label}`])
      ])
      return
    }
    const totals = { created: 0, merged: 0 }
    for (let from = 0; from < keys.length; from += WATCH_CHUNK) {
      const chunk = keys.slice(from, from + WATCH_CHUNK)
      const cores: WatchItem[] = chunk.map((k) => ({ key: k, peers, ...(label === undefined ? {} : { label }) }))
      try {
        const { body } = await request(base, { method: 'POST', path: '/v1/cores', body: { cores }, token, timeoutMs: ms })
        const answer = body as { created: number, merged: number }
        totals.created += answer.created
        totals.merged += answer.merged
      } catch (err) {
        if (!(err instanceof CliError)) throw err
        // Watching is idempotent: the same command again finishes the job.
        throw new CliError(err.code, `keys ${from + 1} to ${from + chunk.length} of ${keys.length} were not watched (the ${from} before them were; running the same command again is safe): ${err.message}`,
          { cause: err, ...(err.status === undefined ? {} : { status: err.status }), ...(err.serviceCode === undefined ? {} : { serviceCode: err.serviceCode }) })
      }
    }
    printResult(opts.json, { file: opts.file, keys: keys.length, ...totals }, () => [
      `watching ${keys.length} core${keys.length === 1 ? '' : 's'} from ${opts.file}: ${totals.created} new, ${totals.merged} already watched${peers.length > 0 ? ' (peers merged)' : ''}`
    ])
  }))
}

async function checkedLabel (value: string): Promise<string> {
  const { LedgerError, parseLabel } = await import('../ledger')
  try {
    return parseLabel(value)
  } catch (err) {
    if (err instanceof LedgerError) throw new CliError('BAD_INPUT', `--label: ${err.message}`, { cause: err })
    throw err
  }
}
