/**
 * `hyperseal verify <key> <version>`: is version `v` of a core (blocks 0..v-1) the history that
 * was sealed? Either asks a service (`--api`), or decides independently of any service from
 * receipts (`--receipt`), a chain RPC (`--rpc`) and a replica (`--storage` or `--peer`), with the
 * same pure verifier the service uses (src/verify).
 *
 * Exit codes are the verdict's (exit-codes.ts): 0 verified, 1 fork/rewind/invalid,
 * 3 pending/behind, 2 bad input, 4 the service, the RPC or the peer cannot be reached.
 *
 * Only declarations are loaded up front; the verifier, the chain client and Corestore are loaded
 * when the command runs, so that `--help` stays fast.
 */
import type { Command } from 'commander'
import type { Verdict } from '../verify'
import type { ClientOptions } from './client-options'
import { CliError } from './errors'
import { runCommand } from './exit'
import { exitOfVerdict } from './exit-codes'
import { parseVerdictAnswer, printVerdict } from './verify-output'
import type { ReplicaSource } from './verify-replica'

const DEFAULT_TIMEOUT_SEC = 30

interface VerifyOptions extends ClientOptions {
  receipt?: string
  rpc?: string
  contract?: string
  confirmations: string
  storage?: string
  peer?: string
}

export function registerVerify (program: Command): void {
  program.command('verify <key> <version>')
    .description('Check that version <version> of a core (blocks 0..version-1) is the history that was sealed, through a service (--api) or independently (--receipt, --rpc and --storage or --peer).')
    .option('--api <url>', 'ask this Hyperseal service (default: http://$HYPERSEAL_HOST:$HYPERSEAL_PORT or http://127.0.0.1:8480)')
    .option('--receipt <path>', 'independent: a file holding a receipt, a JSON list of receipts or the API\'s { "receipts": [...] } answer, or a directory of such *.json files (hyperseal receipts export writes them)')
    .option('--rpc <url>', 'independent: any EVM JSON-RPC endpoint of the chain the receipts name')
    .option('--contract <address>', 'independent: the HyperSeal contract you trust (default: the one the receipt names)')
    .option('--confirmations <n>', 'independent: confirmations after which a seal is final', '1')
    .option('--storage <dir>', 'independent: your own replica, a Corestore directory (not open in another process)')
    .option('--peer <host:port>', 'independent: a remote replica; its answer is checked as an upgrade proof, not trusted')
    .option('--timeout <seconds>', `give up waiting for the service, the RPC or the peer after this long (default: ${DEFAULT_TIMEOUT_SEC})`)
    .option('--json', 'print the verdict as JSON')
    .action(async (key: string, version: string, opts: VerifyOptions) => runCommand(opts, async () => {
      const verdict = await runVerify(key, version, opts)
      printVerdict(opts.json === true, verdict)
      process.exitCode = exitOfVerdict(verdict.status)
    }))
}

async function runVerify (keyText: string, versionText: string, opts: VerifyOptions): Promise<Verdict> {
  const { keyHex, parseKey } = await import('../heads')
  const { timeoutMs } = await import('./http-client')
  const key = keyHex(parseKey(keyText))
  if (!/^[1-9]\d{0,15}$/.test(versionText) || !Number.isSafeInteger(Number(versionText))) {
    throw new CliError('BAD_INPUT', `The version must be a whole number ≥ 1 (a core length), got ${JSON.stringify(versionText.slice(0, 40))}.`)
  }
  const version = Number(versionText)
  const wait = timeoutMs(opts, DEFAULT_TIMEOUT_SEC)
  const independent = [opts.receipt, opts.rpc, opts.storage, opts.peer, opts.contract].some((o) => o !== undefined)
  if (!independent) return await viaService(key, version, opts, wait)
  if (opts.api !== undefined) throw new CliError('BAD_INPUT', '--api asks a service; --receipt, --rpc, --storage and --peer verify without one. Give one or the other.')
  if (opts.receipt === undefined || opts.rpc === undefined) throw new CliError('BAD_INPUT', 'An independent verify needs --receipt <path> and --rpc <url>, and --storage <dir> or --peer <host:port>.')
  if ((opts.storage === undefined) === (opts.peer === undefined)) throw new CliError('BAD_INPUT', 'Give the replica as exactly one of --storage <dir> (your own) or --peer <host:port> (a remote one).')
  if (!/^[1-9]\d{0,5}$/.test(opts.confirmations)) throw new CliError('BAD_INPUT', `--confirmations must be a whole number from 1, got ${JSON.stringify(opts.confirmations.slice(0, 40))}.`)
  const replica: ReplicaSource = opts.storage !== undefined ? { storage: opts.storage } : { peer: opts.peer as string }
  return await independently(key, version, { ...opts, receipt: opts.receipt, rpc: opts.rpc, replica, wait })
}

async function viaService (key: string, version: number, opts: VerifyOptions, wait: number): Promise<Verdict> {
  const { apiBase, request } = await import('./http-client')
  const base = apiBase(opts, process.env)
  const answer = await request(base, { method: 'GET', path: `/v1/verify/${key}/${version}`, timeoutMs: wait })
  return parseVerdictAnswer(base, answer.body)
}

interface IndependentOptions {
  receipt: string
  rpc: string
  contract?: string
  confirmations: string
  replica: ReplicaSource
  wait: number
}

async function independently (key: string, version: number, opts: IndependentOptions): Promise<Verdict> {
  const { planVerify, verify } = await import('../verify')
  const { contractOf, readChainView } = await import('./verify-chain')
  const { loadReceipts } = await import('./receipt-files')
  const { readReplica } = await import('./verify-replica')
  const receipts = loadReceipts(opts.receipt, key)
  if (receipts.length === 0) throw new CliError('BAD_INPUT', `${opts.receipt} holds no receipt of core ${key}.`)
  const plan = planVerify({ key, version, receipts })
  const source = { rpcUrl: opts.rpc, confirmations: Number(opts.confirmations), timeoutMs: opts.wait, ...(opts.contract !== undefined ? { contract: opts.contract } : {}) }
  // The chain first: it is the cheaper and the more likely to be misconfigured.
  const chain = await readChainView(source, contractOf(source, plan, receipts), plan)
  const replica = await readReplica(opts.replica, Buffer.from(key, 'hex'), plan.lengths, opts.wait)
  return verify({ key, version, receipts, replica, chain })
}
