import { isHexString } from 'ethers'
import { HYPERSEAL_INTERFACE } from './artifact'
import { ChainError, type ChainErrorCode } from './errors'

// Turns whatever ethers or Node throws into one ChainError code. Outages (no connection,
// timeouts) must stay apart from reverts: the sealer retries the first and records the second.

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH',
  'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'ERR_SOCKET_CLOSED', 'NETWORK_ERROR'])
const TIMEOUT = new Set(['TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'])
const SAME_NAME = new Set<ChainErrorCode>(['NONCE_EXPIRED', 'REPLACEMENT_UNDERPRICED', 'INSUFFICIENT_FUNDS'])
const REVERTS: Record<string, ChainErrorCode> = {
  HyperSealAlreadySealed: 'REVERTED_ALREADY_SEALED',
  HyperSealEmptyBatch: 'REVERTED_EMPTY_BATCH',
  AccessControlUnauthorizedAccount: 'REVERTED_UNAUTHORIZED'
}

interface ErrorLike {
  code?: unknown
  shortMessage?: unknown
  message?: unknown
  data?: unknown
  error?: unknown
  info?: { error?: unknown }
  cause?: unknown
  response?: { statusCode?: unknown }
  operation?: unknown
  argument?: unknown
}

/** The error and the errors it wraps (ethers nests the node's answer in `info.error` or `error`). */
function chain (err: unknown): ErrorLike[] {
  const out: ErrorLike[] = []
  let cur: unknown = err
  while (cur !== null && typeof cur === 'object' && out.length < 6 && !out.includes(cur as ErrorLike)) {
    const e = cur as ErrorLike
    out.push(e)
    cur = e.info?.error ?? e.error ?? e.cause
  }
  return out
}

function revertData (errs: ErrorLike[]): string | null {
  for (const e of errs) {
    if (typeof e.data === 'string' && isHexString(e.data) && e.data.length >= 10) return e.data
  }
  return null
}

function describe (err: unknown): string {
  const e = (err !== null && typeof err === 'object' ? err : {}) as ErrorLike
  // ethers' `shortMessage` leaves out the request details (which may hold the RPC URL).
  const msg = typeof e.shortMessage === 'string' ? e.shortMessage : typeof e.message === 'string' ? e.message : String(err)
  return msg.length > 200 ? msg.slice(0, 200) + '…' : msg
}

/** The code of a revert, decoded with the HyperSeal ABI (its own and AccessControl's errors). */
export function classifyRevert (data: string | null): { code: ChainErrorCode, name: string | null } {
  if (data === null) return { code: 'REVERTED_OTHER', name: null }
  try {
    const parsed = HYPERSEAL_INTERFACE.parseError(data)
    if (parsed !== null) return { code: REVERTS[parsed.name] ?? 'REVERTED_OTHER', name: parsed.name }
  } catch {
    // Not one of the contract's errors: fall through.
  }
  return { code: 'REVERTED_OTHER', name: null }
}

function codeOf (errs: ErrorLike[]): ChainErrorCode {
  for (const e of errs) {
    const code = typeof e.code === 'string' ? e.code : ''
    if (UNREACHABLE.has(code)) return 'RPC_UNREACHABLE'
    if (TIMEOUT.has(code)) return 'RPC_TIMEOUT'
    if (SAME_NAME.has(code as ChainErrorCode)) return code as ChainErrorCode
    if (code === 'CALL_EXCEPTION') return classifyRevert(revertData(errs)).code
    if (code === 'BAD_DATA' || code === 'NUMERIC_FAULT') return 'RPC_BAD_ANSWER'
    // ethers names the node's answer '%response' when it fails to parse it (e.g. a number overflow).
    if (code === 'INVALID_ARGUMENT' && String(e.argument).startsWith('%response')) return 'RPC_BAD_ANSWER'
    // ethers reads the HTTP body as JSON through `bodyJson`; an HTML error page ends up here.
    if (code === 'UNSUPPORTED_OPERATION' && /^body/.test(String(e.operation))) return 'RPC_BAD_ANSWER'
    if (code === 'SERVER_ERROR') {
      const status = Number(e.response?.statusCode ?? (e as { info?: { responseStatus?: unknown } }).info?.responseStatus)
      return status === 502 || status === 503 || status === 504 ? 'RPC_UNREACHABLE' : 'RPC_BAD_ANSWER'
    }
  }
  // A revert the provider did not label (some nodes answer -32000 "execution reverted" plainly).
  if (revertData(errs) !== null) return classifyRevert(revertData(errs)).code
  return 'RPC_ERROR'
}

const ADVICE: Partial<Record<ChainErrorCode, string>> = {
  RPC_UNREACHABLE: 'check that the node is running and the RPC URL is right; the seal pass retries later',
  RPC_TIMEOUT: 'the node is slow or overloaded; the seal pass retries later',
  RPC_BAD_ANSWER: 'the endpoint did not answer like an Ethereum JSON-RPC node; check the RPC URL',
  REVERTED_ALREADY_SEALED: 'this root is on chain already; read its seal with sealedAt',
  REVERTED_EMPTY_BATCH: 'a batch needs at least one leaf',
  REVERTED_UNAUTHORIZED: 'the signer key lacks SEALER_ROLE on this contract; grant it with the admin key',
  NONCE_EXPIRED: 'a transaction with this nonce was mined already; check the receipt of the earlier one',
  REPLACEMENT_UNDERPRICED: 'raise both fees by at least 10% to replace a pending transaction',
  INSUFFICIENT_FUNDS: 'fund the signer account'
}

/** Classifies `err` (a ChainError passes through unchanged). `what` says what was being done. */
export function toChainError (err: unknown, what: string): ChainError {
  if (err instanceof ChainError) return err
  const errs = chain(err)
  const code = codeOf(errs)
  const revert = code.startsWith('REVERTED_') ? classifyRevert(revertData(errs)).name : null
  const detail = revert !== null ? `reverted with ${revert}` : describe(err)
  const advice = ADVICE[code]
  return new ChainError(code, `Failed ${what}: ${detail}${advice !== undefined ? ` (${advice})` : ''}.`, { cause: err })
}
