import type { Command } from 'commander'
import { addClientOptions, type ClientOptions } from './client-options'
import { runCommand } from './exit'
import { printResult } from './output'

/** `hyperseal unwatch <key>`: stop watching a core (its receipts stay in the public log). */
export function registerUnwatch (program: Command): void {
  const cmd = program.command('unwatch')
    .description('stop watching a Hypercore; its receipts stay in the public receipts log')
    .argument('<key>', 'the core\'s key: 64 hex or 52 z-base-32 characters')
  addClientOptions(cmd, 30).action(async (key: string, opts: ClientOptions) => runCommand(opts, async () => {
    const { keyHex } = await import('../heads')
    const { adminToken, apiBase, request, timeoutMs } = await import('./http-client')
    const hex = keyHex(key)
    const base = apiBase(opts, process.env)
    const token = adminToken(opts, process.env)
    await request(base, { method: 'DELETE', path: `/v1/cores/${hex}`, token, timeoutMs: timeoutMs(opts, 30) })
    printResult(opts.json, { key: hex, unwatched: true }, () => [`no longer watching ${hex}`])
  }))
}
