/**
 * The table: every code of every domain, and what the API answers for it. Each table is typed
 * `Record<DomainCode, Rule>`, so a code added to a domain does not compile until it has a rule
 * here (and a code removed there must leave here too).
 *
 * `code` is what the answer carries. Codes that only a bug can bring to the API (a bad batch,
 * an illegal journal transition, a config error after start) answer INTERNAL; their real code
 * goes to the log. `message`, when set, replaces the domain's message in the answer; every
 * 5xx rule has one, so nothing internal leaks.
 */
import type { AlertsErrorCode } from '../alerts'
import type { ChainErrorCode } from '../chain'
import type { ConfigErrorCode } from '../config'
import type { HeadsErrorCode } from '../heads'
import type { LedgerErrorCode } from '../ledger'
import type { SealErrorCode } from '../seal'
import type { SealerErrorCode } from '../sealer'
import type { StructureErrorCode } from '../structures'
import type { VerifyErrorCode } from '../verify'
import type { ApiErrorCode } from './errors'

export interface Rule {
  status: number
  code: string
  /** The public message; unset: the error's own message (4xx only). */
  message?: string
  /** Send `Retry-After`: the same request may succeed a little later. */
  retry?: boolean
  headers?: Record<string, string>
  /** Log level when not the default (debug for 4xx, warn for 502-504, error for 500). */
  level?: 'debug' | 'warn' | 'error'
}

const INTERNAL: Rule = { status: 500, code: 'INTERNAL', message: 'The service failed unexpectedly; the operator can find the cause in its log.' }
const CLOSED: Rule = { status: 503, code: 'CLOSED', message: 'The service is shutting down; try again when it is back.', retry: true }
const RPC_DOWN = 'The chain RPC is not answering as it should; try again shortly.'

export const HEADS_RULES: Record<HeadsErrorCode, Rule> = {
  BAD_KEY: { status: 400, code: 'BAD_KEY' },
  BAD_PEER: { status: 400, code: 'BAD_PEER' },
  BAD_LENGTH: { status: 400, code: 'BAD_LENGTH' },
  NOT_WATCHED: { status: 404, code: 'NOT_WATCHED' },
  NO_HEAD: { status: 409, code: 'NO_HEAD' },
  UNVERIFIED_HEAD: { status: 502, code: 'UNVERIFIED_HEAD', message: 'A peer delivered a head whose signature does not verify; it was not used.' },
  UPDATE_TIMEOUT: { status: 504, code: 'UPDATE_TIMEOUT', message: 'The core\'s peers did not deliver its update in time; try again later.', retry: true },
  CLOSED,
  LISTEN_FAILED: INTERNAL,
  CORE_FAILED: { status: 503, code: 'CORE_FAILED', message: 'Hypercore failed while reading the core; try again shortly.', retry: true },
  // Only the independent CLI dials a peer or opens a user's storage to verify: a bug if seen here.
  PEER_UNREACHABLE: INTERNAL,
  BAD_STORAGE: INTERNAL
}

export const LEDGER_RULES: Record<LedgerErrorCode, Rule> = {
  DATA_DIR_LOCKED: { status: 503, code: 'DATA_DIR_LOCKED', message: 'The data directory is held by another process.', retry: true },
  DATA_DIR_UNUSABLE: { status: 503, code: 'DATA_DIR_UNUSABLE', message: 'The service\'s storage cannot be used; the operator can find why in its log.', level: 'error' },
  BAD_INPUT: { status: 400, code: 'BAD_INPUT' },
  BAD_CURSOR: { status: 400, code: 'BAD_CURSOR' },
  APPEND_ONLY: INTERNAL,
  BAD_TRANSITION: INTERNAL,
  NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
  // A stored entry failed its own checks when read back: someone edited the ledger's storage.
  CORRUPT_ENTRY: {
    status: 500,
    code: 'LEDGER_CORRUPT',
    message: 'A stored ledger entry failed validation: the ledger may have been tampered with. Its answers cannot be trusted until the operator checks it.',
    level: 'error'
  },
  CLOSED
}

export const CHAIN_RULES: Record<ChainErrorCode, Rule> = {
  INVALID_CONFIG: INTERNAL,
  INVALID_INPUT: INTERNAL,
  RPC_UNREACHABLE: { status: 503, code: 'RPC_UNREACHABLE', message: RPC_DOWN, retry: true },
  RPC_TIMEOUT: { status: 503, code: 'RPC_TIMEOUT', message: RPC_DOWN, retry: true },
  RPC_BAD_ANSWER: { status: 503, code: 'RPC_BAD_ANSWER', message: RPC_DOWN, retry: true },
  RPC_ERROR: { status: 503, code: 'RPC_ERROR', message: RPC_DOWN, retry: true },
  CHAIN_ID_MISMATCH: { status: 503, code: 'CHAIN_ID_MISMATCH', message: 'The chain RPC is on another chain than the configured one; the operator must fix HYPERSEAL_RPC.', level: 'error' },
  NO_CONTRACT: { status: 503, code: 'NO_CONTRACT', message: 'No HyperSeal contract answers at the configured address; the operator must fix HYPERSEAL_CONTRACT.', level: 'error' },
  NO_SIGNER: { status: 503, code: 'NO_SIGNER', message: 'This service has no sealer key: it can verify but not seal.' },
  REVERTED_ALREADY_SEALED: INTERNAL,
  REVERTED_EMPTY_BATCH: INTERNAL,
  REVERTED_UNAUTHORIZED: { status: 503, code: 'REVERTED_UNAUTHORIZED', message: 'The sealer key lacks SEALER_ROLE on the contract; the operator must grant it.', level: 'error' },
  REVERTED_OTHER: { status: 502, code: 'REVERTED_OTHER', message: 'The seal transaction reverted; the operator can find why in the log.', level: 'error' },
  NONCE_EXPIRED: { status: 503, code: 'NONCE_EXPIRED', message: 'The seal transaction\'s nonce was used meanwhile; the batch stays journaled and the next pass settles it.', retry: true },
  REPLACEMENT_UNDERPRICED: { status: 503, code: 'REPLACEMENT_UNDERPRICED', message: 'The node refused the fee-raised replacement; the batch stays journaled and the next pass retries.', retry: true },
  INSUFFICIENT_FUNDS: { status: 503, code: 'INSUFFICIENT_FUNDS', message: 'The sealer account cannot pay for gas; the operator must fund it.', level: 'error' },
  WAIT_TIMEOUT: { status: 504, code: 'WAIT_TIMEOUT', message: 'The seal transaction was not mined or confirmed in time; the batch stays journaled and the next pass settles it.', retry: true },
  TX_DROPPED: { status: 503, code: 'TX_DROPPED', message: 'The node dropped the seal transaction; the batch stays journaled and the next pass resends it.', retry: true },
  REORGED: { status: 503, code: 'REORGED', message: 'The seal left the canonical chain in a reorg; the next pass seals the batch again.', retry: true },
  ANVIL_FAILED: { status: 503, code: 'ANVIL_FAILED', message: 'The embedded chain is not running; the operator can find why in the log.', level: 'error' },
  // Raised only while the service starts, before the API listens.
  PORT_TAKEN: INTERNAL
}

// Seal errors are pure-code failures on data the service built or validated itself: bugs.
export const SEAL_RULES: Record<SealErrorCode, Rule> = {
  BAD_HEAD: INTERNAL,
  BAD_MANIFEST: INTERNAL,
  KEY_MISMATCH: INTERNAL,
  BAD_SIGNATURE: INTERNAL,
  EMPTY_BATCH: INTERNAL,
  DUPLICATE_LEAF: INTERNAL,
  BAD_INDEX: INTERNAL,
  BAD_BATCH: INTERNAL,
  SEAL_MISMATCH: INTERNAL,
  BAD_RECEIPT: INTERNAL
}

export const SEALER_RULES: Record<SealerErrorCode, Rule> = {
  PASS_RUNNING: { status: 409, code: 'PASS_RUNNING', message: 'A seal pass is already running; try again when it ends.', retry: true },
  NOT_READY: { status: 503, code: 'NOT_READY', message: 'The service is still starting (settling unfinished batches); try again shortly.', retry: true },
  CLOSED,
  FAULT_INJECTED: INTERNAL,
  NO_SUCH_ANCHOR: { status: 404, code: 'NO_SUCH_ANCHOR' }
}

// The route checks the version before the verifier runs; a verifier input error is our bug,
// except a version the verifier refuses (0 names no block).
export const VERIFY_RULES: Record<VerifyErrorCode, Rule> = {
  BAD_INPUT: { status: 400, code: 'BAD_VERSION' },
  MISSING_ANSWER: INTERNAL
}

export const STRUCTURE_RULES: Record<StructureErrorCode, Rule> = {
  NOT_A_STRUCTURE: { status: 400, code: 'NOT_A_STRUCTURE' },
  NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
  NOT_SEALED: { status: 409, code: 'NOT_SEALED' },
  BLOCK_UNAVAILABLE: { status: 504, code: 'BLOCK_UNAVAILABLE', message: 'A block the answer needs is not stored here and no peer sent it in time; try again later.', retry: true },
  TOO_LARGE: { status: 413, code: 'TOO_LARGE' }
}

// The config is validated once at start; a ConfigError later is a bug.
export const CONFIG_RULES: Record<ConfigErrorCode, Rule> = {
  INVALID_VALUE: INTERNAL,
  BAD_FILE: INTERNAL,
  UNKNOWN_FIELD: INTERNAL,
  SECRET_IN_FILE: INTERNAL
}

export const ALERTS_RULES: Record<AlertsErrorCode, Rule> = {
  NO_RECEIVERS: { status: 409, code: 'NO_RECEIVERS' },
  OUTBOX_UNUSABLE: { status: 503, code: 'OUTBOX_UNUSABLE', message: 'The alert delivery log cannot be used; the operator can find why in the log.', level: 'error' },
  OUTBOX_CORRUPT: { status: 500, code: 'OUTBOX_CORRUPT', message: 'The alert delivery log failed its checks: it was damaged or tampered with; the operator must check it.', level: 'error' },
  CLOSED
}

export const API_RULES: Record<ApiErrorCode, Rule> = {
  BAD_REQUEST: { status: 400, code: 'BAD_REQUEST' },
  TOKEN_IN_QUERY: { status: 400, code: 'TOKEN_IN_QUERY' },
  UNAUTHORIZED: { status: 401, code: 'UNAUTHORIZED', headers: { 'www-authenticate': 'Bearer realm="hyperseal"' } },
  FORBIDDEN: { status: 403, code: 'FORBIDDEN' },
  NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
  PAYLOAD_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  RATE_LIMITED: { status: 429, code: 'RATE_LIMITED', retry: true },
  BUSY: { status: 503, code: 'BUSY', message: 'Too many expensive requests (verify, replica proofs, receipt lists, batch leaves, reports) are running; try again in a few seconds.', retry: true },
  NOT_READY: { status: 503, code: 'NOT_READY', message: 'The service is not ready; see `checks`.', retry: true },
  PAGES_NOT_BUILT: { status: 503, code: 'PAGES_NOT_BUILT', message: 'The web pages are not built: the operator runs `npm run build`.', level: 'error' },
  INTERNAL
}
