/**
 * `hyperseal verify <key> <version>`: is version `v` of a core (blocks 0..v-1) the history that
 * was sealed? Either decides independently of any service under a pinned trust root (`--trust`,
 * or `--chain-id` + `--contract`), with the same evidence path and pure verifier the service uses
 * (verify-independent.ts), or asks a service (`--api`) and prints the fingerprint of the trust
 * root it answers under (refusing the answer when it is not the one pinned).
 *
 * Exit codes are the verdict's (exit-codes.ts): 0 verified (and final), 1 fork/rewind/invalid,
 * 2 bad input or no trust root, 3 pending/behind/not final yet, 4 unreachable.
 *
 * Only declarations are loaded up front; the verifier, the chain reader and Corestore are loaded
 * when the command runs, so that `--help` stays fast.
 */
import type { Command } from 'commander'
import type { Verdict } from '../verify'
import type { ClientOptions } from './client-options'
import { CliError } from './errors'
import { runCommand } from './exit'
import { exitOfVerdict } from './exit-codes'
import { collect } from './output'
import { NO_TRUST, type TrustOptions } from './trust-options'
import { printVerdict } from './verify-output'

const DEFAULT_TIMEOUT_SEC = 30

interface VerifyOptions extends ClientOptions, TrustOptions {
  receipt?: string
  rpc?: string
  offline?: boolean
  storage?: string
  peer?: string[]
  logPeer?: string[]
  anchorRpc?: string[]
}

export function registerVerify (program: Command): void {
  program.command('verify <key> <version>')
    .description('Check that version <version> of a core (blocks 0..version-1) is the history that was sealed: independently under a trust root you pinned (--trust), or by asking a service (--api).')
    .option('--trust <file>', 'independent: the trust root you pinned (hyperseal trust export, GET /v1/trust)')
    .option('--chain-id <id>', 'independent, instead of --trust: the chain you trust')
    .option('--contract <address>', 'independent, with --chain-id: the HyperSeal contract you trust on it')
    .option('--confirmations <n>', 'with --chain-id: confirmations after which a seal is final (default 12)')
    .option('--finalized', 'with --chain-id: a seal is final once its block is finalized (the chain\'s finalized tag)')
    .option('--rpc <url>', 'independent: any EVM JSON-RPC endpoint of that chain (default: the trust root\'s hint)')
    .option('--anchor-rpc <url>', 'independent: a JSON-RPC endpoint of a secondary anchor\'s chain, to check that clock too (repeatable; default: the trust root\'s hints)', collect)
    .option('--storage <dir>', 'independent: your own replica, a Corestore directory (not open in another process)')
    .option('--peer <host:port>', 'independent: a remote replica, checked as upgrade proofs, not trusted (repeatable; default: the service\'s replication endpoint)', collect)
    .option('--log-peer <host:port>', 'independent: where to replicate the receipts log from (default: the trust root\'s peers)', collect)
    .option('--offline', 'independent: read receipts from --receipt files instead of the receipts log (later incidents are then not checked)')
    .option('--receipt <path>', 'with --offline: a file holding a receipt, a JSON list of receipts or the API\'s { "receipts": [...] } answer, or a directory of such *.json files (hyperseal receipts export writes them)')
    .option('--api <url>', 'ask this Hyperseal service instead (default: http://$HYPERSEAL_HOST:$HYPERSEAL_PORT or http://127.0.0.1:8480)')
    .option('--timeout <seconds>', `give up waiting for the service, the RPC or a peer after this long (default: ${DEFAULT_TIMEOUT_SEC})`)
    .option('--json', 'print the verdict as JSON')
    .action(async (key: string, version: string, opts: VerifyOptions) => runCommand(opts, async () => {
      const { verdict, notes } = await runVerify(key, version, opts)
      printVerdict(opts.json === true, verdict, notes)
      process.exitCode = exitOfVerdict(verdict.status, verdict.final)
    }))
}

async function runVerify (keyText: string, versionText: string, opts: VerifyOptions): Promise<{ verdict: Verdict, notes: string[] }> {
  const { keyHex, parseKey } = await import('../heads')
  const { timeoutMs } = await import('./http-client')
  const { trustFromOptions } = await import('./trust-pin')
  const key = keyHex(parseKey(keyText))
  if (!/^[1-9]\d{0,15}$/.test(versionText) || !Number.isSafeInteger(Number(versionText))) {
    throw new CliError('BAD_INPUT', `The version must be a whole number ≥ 1 (a core length), got ${JSON.stringify(versionText.slice(0, 40))}.`)
  }
  const version = Number(versionText)
  const wait = timeoutMs(opts, DEFAULT_TIMEOUT_SEC)
  const trust = trustFromOptions(opts)
  const independent = [opts.receipt, opts.rpc, opts.storage, opts.offline, opts.peer, opts.logPeer, opts.anchorRpc].some((o) => o !== undefined)
  if (opts.api !== undefined && independent) throw new CliError('BAD_INPUT', '--api asks a service; --rpc, --storage, --peer, --offline and --receipt verify without one. Give one or the other.')
  if (opts.api !== undefined || (trust === null && !independent)) {
    if (trust === null && opts.api === undefined) throw new CliError('BAD_INPUT', `An independent verify needs a trust root. ${NO_TRUST} Or ask a service with --api <url>.`)
    return await viaService(key, version, opts, wait, trust?.fingerprint)
  }
  if (trust === null) throw new CliError('BAD_INPUT', `An independent verify needs a trust root. ${NO_TRUST}`)
  const { shortFingerprint } = await import('../trust')
  const { verifyIndependently } = await import('./verify-independent')
  // HYPERSEAL_TIMINGS=1: one JSON line on stderr with how long each step took (bench/verify-cold.ts).
  const timings: Record<string, number> = {}
  const onPhase = process.env.HYPERSEAL_TIMINGS === '1' ? (phase: string, ms: number): void => { timings[phase] = (timings[phase] ?? 0) + ms } : undefined
  const result = await verifyIndependently(key, version, {
    trust, offline: opts.offline === true, peers: opts.peer ?? [], logPeers: opts.logPeer ?? [], anchorRpcs: opts.anchorRpc ?? [], timeoutMs: wait,
    ...(onPhase !== undefined ? { onPhase } : {}),
    ...(opts.rpc !== undefined ? { rpc: opts.rpc } : {}),
    ...(opts.receipt !== undefined ? { receipt: opts.receipt } : {}),
    ...(opts.storage !== undefined ? { storage: opts.storage } : {})
  })
  if (onPhase !== undefined) process.stderr.write(JSON.stringify({ timings, uptimeMs: Math.round(process.uptime() * 1000) }) + '\n')
  const notes = [`trusted:   ${trust.root.name} (trust root ${shortFingerprint(trust.fingerprint)})`]
  if (result.offline) notes.push('offline:   later incidents were NOT checked (receipts from files, no receipts log): a rewind or fork the service recorded after these receipts would not show here.')
  if (result.log !== null) notes.push(`witness:   receipts log ${result.log.key.slice(0, 16)}… at length ${result.log.length}${result.log.sealed === 'verified' ? ', its history checked against its own seal on chain' : ', not sealed yet (its entries are only the service\'s word until it is)'}`)
  return { verdict: result.verdict, notes }
}

async function viaService (key: string, version: number, opts: VerifyOptions, wait: number, pinned?: string): Promise<{ verdict: Verdict, notes: string[] }> {
  const { apiBase, request } = await import('./http-client')
  const { shortFingerprint } = await import('../trust')
  const { parseVerdictAnswer } = await import('./verify-output')
  const base = apiBase(opts, process.env)
  const answer = await request(base, { method: 'GET', path: `/v1/verify/${key}/${version}`, timeoutMs: wait })
  const verdict = parseVerdictAnswer(base, answer.body)
  if (pinned !== undefined && verdict.trust !== pinned) {
    throw new CliError('BAD_ANSWER', `${base.origin} answers under trust root ${shortFingerprint(verdict.trust)}, not the one you pinned (${shortFingerprint(pinned)}): it is another service, or it changed its chain, contract or keys.`)
  }
  return { verdict, notes: [`service:   ${base.origin}, trust root ${shortFingerprint(verdict.trust)} (pin it: hyperseal trust export --api ${base.origin} -o trust.json)`] }
}
