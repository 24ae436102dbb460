/**
 * `hyperseal deploy --rpc <url>`: deploys the HyperSeal contract to a chain, with a separate
 * admin, and prints its trust root. The deployer's key comes from an encrypted keystore
 * (`--keystore <file>`, password from HYPERSEAL_KEYSTORE_PASSWORD or a prompt) or from
 * HYPERSEAL_DEPLOYER_KEY; never from a flag (flags show up in `ps` and shell history).
 */
import type { Command } from 'commander'
import { runCommand } from './exit'

export interface DeployCliOptions {
  rpc?: string
  keystore?: string
  admin?: string
  sealer?: string
  adminDelay?: string
  allowHotAdmin?: boolean
  confirmations?: string
  finalized?: boolean
  output?: string
  json?: boolean
}

export function registerDeploy (program: Command): void {
  program.command('deploy')
    .description('deploy the HyperSeal contract to a chain with a separate admin, and print its trust root (key from --keystore or HYPERSEAL_DEPLOYER_KEY)')
    .option('--rpc <url>', 'JSON-RPC URL of the chain (HYPERSEAL_RPC)')
    .option('--keystore <file>', 'the deployer\'s encrypted JSON keystore; password from HYPERSEAL_KEYSTORE_PASSWORD, else asked on the terminal')
    .option('--admin <address>', 'the admin: grants and revokes sealers; a cold wallet or a multisig (default: the deployer)')
    .option('--sealer <address>', 'the sealer: the service\'s hot key, or "none" to grant it later (default: the deployer)')
    .option('--admin-delay <seconds>', 'delay of a two-step admin transfer (default 259200, 3 days)')
    .option('--allow-hot-admin', 'allow the sealer to be admin on a chain that is not a development chain (not advised)')
    .option('--confirmations <n>', 'finality the printed trust root asks for: confirmations (default 12)')
    .option('--finalized', 'the printed trust root asks for the chain\'s finalized block tag instead')
    .option('-o, --output <file>', 'also write the trust root to this file')
    .option('--json', 'print { deployment, fingerprint, trustRoot } as JSON')
    .action(async (opts: DeployCliOptions) => runCommand(opts, async () => {
      await (await import('./deploy-run')).runDeploy(opts, process.env)
    }))
}
