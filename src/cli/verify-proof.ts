/**
 * `hyperseal verify-proof <file> --trust <trust root> [--rpc url]`: checks a record proof with no
 * replica and no service: the chain's answers through the one evidence path, the seals and the
 * blocks with the pure checker (src/proof). Says "this entry existed, with these bytes, no later
 * than <time>". Exit 0 proven (and final), 1 refused, 2 bad input or no trust root, 3 proven but
 * not final yet, 4 the RPC unreachable. Only declarations load up front.
 */
import type { Command } from 'commander'
import { runCommand } from './exit'
import type { TrustOptions } from './trust-options'

export interface VerifyProofOptions extends TrustOptions {
  rpc?: string
  timeout?: string
  json?: boolean
  /** Write the proven file's or entry's bytes here. */
  extract?: string
}

export function registerVerifyProof (program: Command): void {
  program.command('verify-proof <file>')
    .description('Check a record proof (hyperseal prove, GET /v1/proofs/...) with no replica and no service, under a trust root you pinned.')
    .option('--trust <file>', 'the trust root you pinned (hyperseal trust export, GET /v1/trust)')
    .option('--chain-id <id>', 'instead of --trust: the chain you trust')
    .option('--contract <address>', 'with --chain-id: the HyperSeal contract you trust on it')
    .option('--confirmations <n>', 'with --chain-id: confirmations after which a seal is final (default 12)')
    .option('--finalized', 'with --chain-id: a seal is final once its block is finalized')
    .option('--rpc <url>', 'any EVM JSON-RPC endpoint of that chain (default: the trust root\'s hint)')
    .option('--extract <file>', 'also write the proven bytes (the block, the entry\'s value or the file) to this file')
    .option('--timeout <seconds>', 'give up waiting for the RPC after this long (default: 30)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: VerifyProofOptions) => runCommand(opts, async () => {
      const { runVerifyProof } = await import('./verify-proof-run')
      await runVerifyProof(file, opts)
    }))
}
