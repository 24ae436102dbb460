/**
 * The trust a command runs under: a pinned trust root file (`--trust`), or a chain id and a
 * HyperSeal contract given by hand (`--chain-id` + `--contract`, with HyperSeal's known runtime code
 * hash and a finality of `--confirmations`, default 12, or `--finalized`). Never the receipt's
 * own contract, never the service's word: without one of these a verifying command refuses.
 */
import { readFileSync } from 'node:fs'
import { HYPERSEAL_CODE_HASH } from '../chain'
import { pin, type PinnedTrust } from '../evidence'
import { parseTrustRoot, TrustError, type Finality } from '../trust'
import { CliError } from './errors'

import { DEFAULT_CONFIRMATIONS, type TrustOptions } from './trust-options'

export function readTrustFile (file: string): PinnedTrust {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new CliError('BAD_INPUT', `The trust root ${file} is not a readable JSON file (${(err as Error).message}).`)
  }
  try {
    return pin(parseTrustRoot(json))
  } catch (err) {
    if (err instanceof TrustError) throw new CliError('BAD_INPUT', `${file}: ${err.message}`)
    throw err
  }
}

/** `--finalized`, or `--confirmations <n>` (default 12): when a seal counts as final. */
export function finalityFromOptions (opts: Pick<TrustOptions, 'confirmations' | 'finalized'>): Finality {
  if (opts.finalized === true && opts.confirmations !== undefined) throw new CliError('BAD_INPUT', 'Give either --confirmations or --finalized, not both.')
  if (opts.finalized === true) return 'finalized'
  const confirmations = opts.confirmations ?? String(DEFAULT_CONFIRMATIONS)
  if (!/^[1-9]\d{0,5}$/.test(confirmations)) throw new CliError('BAD_INPUT', `--confirmations must be a whole number from 1, got ${JSON.stringify(confirmations.slice(0, 40))}.`)
  return { confirmations: Number(confirmations) }
}

/** The pinned trust, or null when the options name none (the caller decides whether that is an error). */
export function trustFromOptions (opts: TrustOptions): PinnedTrust | null {
  const byHand = opts.contract !== undefined || opts.chainId !== undefined
  if (opts.trust !== undefined && byHand) throw new CliError('BAD_INPUT', 'Give either --trust <file> or --chain-id with --contract, not both.')
  if (opts.trust !== undefined) return readTrustFile(opts.trust)
  if (!byHand) return null
  if (opts.contract === undefined || opts.chainId === undefined) throw new CliError('BAD_INPUT', '--chain-id and --contract go together: name the chain and the HyperSeal contract you trust on it.')
  if (!/^0x[0-9a-fA-F]{40}$/.test(opts.contract)) throw new CliError('BAD_INPUT', `--contract must be a 0x address, got ${JSON.stringify(opts.contract.slice(0, 60))}.`)
  if (!/^[1-9]\d{0,15}$/.test(opts.chainId)) throw new CliError('BAD_INPUT', `--chain-id must be a whole number ≥ 1, got ${JSON.stringify(opts.chainId.slice(0, 40))}.`)
  return pin(parseTrustRoot({
    v: 1,
    kind: 'hyperseal-trust-root',
    name: 'given on the command line',
    chains: [{
      chainId: Number(opts.chainId),
      embedded: false,
      contracts: [{ address: opts.contract.toLowerCase(), codeHash: HYPERSEAL_CODE_HASH, deployBlock: 0 }],
      finality: finalityFromOptions(opts)
    }],
    receiptsLogs: [],
    reportKeys: []
  }))
}
