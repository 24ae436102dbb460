import type { Command } from 'commander'
import type { CoreView } from '../api'
import { addClientOptions, type ClientOptions } from './client-options'
import { runCommand } from './exit'
import { collect, printResult } from './output'

interface WatchOptions extends ClientOptions { peer?: string[] }

/** `hyperseal watch <key> [--peer host:port ...]`: add a core to the running service (or merge its peers). */
export function registerWatch (program: Command): void {
  const cmd = program.command('watch')
    .description('watch a Hypercore: the service replicates its heads and seals them on every pass')
    .argument('<key>', 'the core\'s key: 64 hex or 52 z-base-32 characters')
    .option('--peer <host:port>', 'a peer that serves the core over Hypercore replication (repeatable)', collect)
  addClientOptions(cmd, 30).action(async (key: string, opts: WatchOptions) => runCommand(opts, async () => {
    // Loaded here, not above: declaring the command must stay cheap (`--help`).
    const { keyHex, parsePeer } = await import('../heads')
    const { adminToken, apiBase, request, timeoutMs } = await import('./http-client')
    // Checked here first, so a typo never reaches the service (exit 2).
    const hex = keyHex(key)
    const peers = (opts.peer ?? []).map((p) => parsePeer(p).address)
    const base = apiBase(opts, process.env)
    const token = adminToken(opts, process.env)
    const { status, body } = await request(base, { method: 'POST', path: '/v1/cores', body: { key: hex, peers }, token, timeoutMs: timeoutMs(opts, 30) })
    const core = (body as { core: CoreView }).core
    const created = status === 201
    printResult(opts.json, { created, core }, () => [
      created ? `watching ${core.key}` : `already watching ${core.key}; peers merged`,
      `peers: ${core.peers.length === 0 ? 'none (the service waits for writers to connect, or finds them by discovery)' : core.peers.join(', ')}`
    ])
  }))
}
