/**
 * The exit codes of every `hyperseal` command, decided here and nowhere else (as
 * src/api/error-rules.ts decides HTTP statuses). One scheme for every command:
 *
 *   0  verified; or done
 *   1  rewind, fork or invalid; or the operation failed
 *   2  bad input (arguments, options, files, URLs, configuration)
 *   3  pending (not sealed yet), behind (the replica has not caught up), or verified but not final yet
 *   4  unreachable: the service, the chain RPC or a peer (trying again later may help)
 *
 * Each domain's table is typed `Record<DomainCode, ExitCode>`, so a code added to a domain
 * does not compile until it has an exit code here.
 *
 * This module must stay cheap to load (`--help` loads it): it imports the domains' code
 * *types* only, and recognises a domain error by its class name (CodedError sets `name` to the
 * class that threw), not with `instanceof`, which would load every domain (ethers, corestore,
 * fastify) just to print an exit code. test/cli/exit-codes.test.ts checks each name against
 * the real class.
 */
import { CommanderError } from 'commander'
import type { ChainErrorCode } from '../chain'
import type { ConfigErrorCode } from '../config'
import type { HeadsErrorCode } from '../heads'
import type { LedgerErrorCode } from '../ledger'
import type { DocumentCheckCode } from '../report'
import type { SealErrorCode } from '../seal'
import type { SealerErrorCode } from '../sealer'
import type { StructureErrorCode } from '../structures'
import type { ProofErrorCode } from '../proof'
import type { TrustErrorCode } from '../trust'
import type { VerdictStatus, VerifyErrorCode } from '../verify'
import { CodedError } from '../util'
import type { CliErrorCode } from './errors'

export const EXIT = { OK: 0, FAILED: 1, BAD_INPUT: 2, NOT_YET: 3, UNREACHABLE: 4 } as const
export type ExitCode = typeof EXIT[keyof typeof EXIT]

/** The scheme in words, shown after every command's help (main.ts) and in docs/cli.md. */
export const EXIT_HELP = `
Exit codes (every command):
  0  verified; or done
  1  rewind, fork or invalid; or the operation failed
  2  bad input (arguments, options, files, URLs, configuration)
  3  pending (not sealed yet), behind (the replica has not caught up), or verified but not final yet
  4  unreachable: the service, the chain RPC or a peer (try again later)`

const { OK, FAILED, BAD_INPUT, NOT_YET, UNREACHABLE } = EXIT

export const VERDICT_EXIT: Record<VerdictStatus, ExitCode> = {
  verified: OK,
  pending: NOT_YET,
  behind: NOT_YET,
  rewind: FAILED,
  fork: FAILED,
  invalid: FAILED
}

/** `report verify`: a document that is not a signed report is bad input; a bad signature fails. */
export const REPORT_CHECK_EXIT: Record<DocumentCheckCode, ExitCode> = {
  BAD_DOCUMENT: BAD_INPUT,
  KEY_MISMATCH: FAILED,
  UNTRUSTED_KEY: FAILED, // signed, but not by a key the verifier pinned
  BAD_SIGNATURE: FAILED,
  RECEIPTS_MISMATCH: FAILED, // the receipts file is not the one the signed report binds
  PDF_ALTERED: FAILED // the PDF is not the rendering of the signed report it carries
}

export const CLI_EXIT: Record<CliErrorCode, ExitCode> = {
  BAD_INPUT,
  NO_TOKEN: BAD_INPUT,
  UNREACHABLE,
  SERVICE_UNAVAILABLE: UNREACHABLE,
  SERVICE_ERROR: FAILED,
  BAD_ANSWER: FAILED
}

export const CHAIN_EXIT: Record<ChainErrorCode, ExitCode> = {
  INVALID_CONFIG: BAD_INPUT, // a bad --rpc URL or contract address
  INVALID_INPUT: BAD_INPUT, // a root, tx hash or block number from a file the user gave
  RPC_UNREACHABLE: UNREACHABLE,
  RPC_TIMEOUT: UNREACHABLE,
  RPC_BAD_ANSWER: FAILED,
  RPC_ERROR: FAILED,
  CHAIN_ID_MISMATCH: BAD_INPUT, // the RPC given is of another chain
  NO_CONTRACT: FAILED,
  NO_SIGNER: FAILED,
  REVERTED_ALREADY_SEALED: FAILED,
  REVERTED_EMPTY_BATCH: FAILED,
  REVERTED_UNAUTHORIZED: FAILED,
  REVERTED_OTHER: FAILED,
  NONCE_EXPIRED: FAILED,
  REPLACEMENT_UNDERPRICED: FAILED,
  INSUFFICIENT_FUNDS: FAILED,
  WAIT_TIMEOUT: FAILED,
  TX_DROPPED: FAILED,
  REORGED: FAILED,
  ANVIL_FAILED: FAILED,
  PORT_TAKEN: BAD_INPUT // HYPERSEAL_CHAIN_PORT is held by another program: pick another
}

export const HEADS_EXIT: Record<HeadsErrorCode, ExitCode> = {
  BAD_KEY: BAD_INPUT,
  BAD_PEER: BAD_INPUT,
  BAD_LENGTH: BAD_INPUT,
  NOT_WATCHED: FAILED,
  NO_HEAD: UNREACHABLE, // the peer answered but holds no signed head of the core: no replica to check
  UNVERIFIED_HEAD: FAILED,
  UPDATE_TIMEOUT: UNREACHABLE, // the peer did not deliver in time
  CLOSED: FAILED,
  LISTEN_FAILED: FAILED,
  CORE_FAILED: FAILED,
  PEER_UNREACHABLE: UNREACHABLE,
  BAD_STORAGE: BAD_INPUT // --storage is not a Corestore, is locked, or lacks the core
}

export const LEDGER_EXIT: Record<LedgerErrorCode, ExitCode> = {
  DATA_DIR_LOCKED: FAILED,
  DATA_DIR_UNUSABLE: FAILED,
  BAD_INPUT,
  BAD_CURSOR: BAD_INPUT, // a --cursor or a page cursor that is not one of this list
  APPEND_ONLY: FAILED,
  BAD_TRANSITION: FAILED,
  NOT_FOUND: FAILED,
  CORRUPT_ENTRY: FAILED,
  CLOSED: FAILED
}

export const CONFIG_EXIT: Record<ConfigErrorCode, ExitCode> = {
  INVALID_VALUE: BAD_INPUT,
  BAD_FILE: BAD_INPUT,
  UNKNOWN_FIELD: BAD_INPUT,
  SECRET_IN_FILE: BAD_INPUT
}

export const VERIFY_EXIT: Record<VerifyErrorCode, ExitCode> = {
  BAD_INPUT,
  MISSING_ANSWER: FAILED
}

// The CLI hands the seal module only what the verifier screened or the service built: a
// SealError here is a failure, not the user's input (a bad receipt file is an `invalid` verdict).
export const SEAL_EXIT: Record<SealErrorCode, ExitCode> = {
  BAD_HEAD: FAILED,
  BAD_MANIFEST: FAILED,
  KEY_MISMATCH: FAILED,
  BAD_SIGNATURE: FAILED,
  EMPTY_BATCH: FAILED,
  DUPLICATE_LEAF: FAILED,
  BAD_INDEX: FAILED,
  BAD_BATCH: FAILED,
  SEAL_MISMATCH: FAILED,
  BAD_RECEIPT: FAILED
}

export const TRUST_EXIT: Record<TrustErrorCode, ExitCode> = {
  BAD_TRUST_ROOT: BAD_INPUT,
  NOT_TRUSTED: FAILED
}

export const SEALER_EXIT: Record<SealerErrorCode, ExitCode> = {
  PASS_RUNNING: FAILED,
  NOT_READY: FAILED,
  CLOSED: FAILED,
  FAULT_INJECTED: FAILED,
  NO_SUCH_ANCHOR: BAD_INPUT
}

export const STRUCTURE_EXIT: Record<StructureErrorCode, ExitCode> = {
  NOT_A_STRUCTURE: BAD_INPUT, // --entry of a core that is no Hyperbee, --file of one that is no Hyperdrive
  NOT_FOUND: FAILED,
  NOT_SEALED: NOT_YET,
  BLOCK_UNAVAILABLE: UNREACHABLE,
  TOO_LARGE: FAILED
}

export const PROOF_EXIT: Record<ProofErrorCode, ExitCode> = {
  BAD_PROOF: BAD_INPUT
}

/** Each domain's error class name (CodedError's `name`) and its table. */
export const DOMAIN_EXITS: ReadonlyArray<{ name: string, exits: Readonly<Record<string, ExitCode>> }> = [
  { name: 'CliError', exits: CLI_EXIT },
  { name: 'ChainError', exits: CHAIN_EXIT },
  { name: 'HeadsError', exits: HEADS_EXIT },
  { name: 'LedgerError', exits: LEDGER_EXIT },
  { name: 'ConfigError', exits: CONFIG_EXIT },
  { name: 'VerifyError', exits: VERIFY_EXIT },
  { name: 'SealError', exits: SEAL_EXIT },
  { name: 'SealerError', exits: SEALER_EXIT },
  { name: 'TrustError', exits: TRUST_EXIT },
  { name: 'StructureError', exits: STRUCTURE_EXIT },
  { name: 'ProofError', exits: PROOF_EXIT }
]

/** The exit code of anything a command threw: commander's usage errors 2 (help 0), a domain's code by its table, else 1. */
export function exitCodeOf (err: unknown): ExitCode {
  if (err instanceof CommanderError) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? OK : BAD_INPUT
  }
  if (err instanceof CodedError) {
    const domain = DOMAIN_EXITS.find((d) => d.name === err.name)
    if (domain !== undefined && Object.prototype.hasOwnProperty.call(domain.exits, err.code)) return domain.exits[err.code]
  }
  return FAILED
}

/** A verified seal that is not final yet under the trust policy could still be reorged away: not yet. */
export function exitOfVerdict (status: VerdictStatus, final = true): ExitCode {
  return status === 'verified' && !final ? NOT_YET : VERDICT_EXIT[status]
}
