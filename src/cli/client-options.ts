/**
 * The options every command that talks to the service declares. Declaring is cheap on purpose
 * (`--help` loads it): the request code is in http-client.ts, loaded when a command runs.
 */
import type { Command } from 'commander'

export interface ClientOptions {
  api?: string
  data?: string
  json?: boolean
  timeout?: string
}

export function addClientOptions (cmd: Command, defaultTimeoutSec: number): Command {
  return cmd
    .option('--api <url>', 'the service\'s API (default: http://$HYPERSEAL_HOST:$HYPERSEAL_PORT or http://127.0.0.1:8480)')
    .option('--data <dir>', 'the service\'s data directory, where the admin token is read when HYPERSEAL_ADMIN_TOKEN is unset (default: $HYPERSEAL_DATA or ./.hyperseal)')
    .option('--timeout <seconds>', `give up waiting for the service after this long (default: ${defaultTimeoutSec})`)
    .option('--json', 'print the answer as JSON')
}
