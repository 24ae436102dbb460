/**
 * `hyperseal trust export [-o file]`: fetches a service's trust root (GET /v1/trust), checks it is
 * a valid one, and writes it, printing its fingerprint: compare that over a channel you trust (the
 * operator's announcement, a second network path), then pin the file (`verify --trust`,
 * `report verify --trust`). `hyperseal trust show <file>`: what a pinned file trusts.
 */
import type { Command } from 'commander'
import { addClientOptions, type ClientOptions } from './client-options'
import { runCommand } from './exit'

export function registerTrust (program: Command): void {
  const trust = program.command('trust').description('the trust root a verifier pins: export it from a service, show what a file trusts')
  const exp = trust.command('export')
    .description('fetch a service\'s trust root (GET /v1/trust) and write it; compare the printed fingerprint over a channel you trust before you pin it')
    .option('-o, --output <file>', 'write it here (default: stdout)')
  addClientOptions(exp, 30).action(async (opts: ClientOptions & { output?: string }) => runCommand(opts, async () => {
    await (await import('./trust-run')).exportTrust(opts)
  }))

  trust.command('show <file>')
    .description('show what a trust root file trusts, and its fingerprint')
    .option('--json', 'print { fingerprint, root } as JSON')
    .action(async (file: string, opts: { json?: boolean }) => runCommand(opts, async () => {
      (await import('./trust-run')).showTrust(file, opts)
    }))
}
