/**
 * The later clocks of a deciding receipt (src/seal anchor.ts): a secondary chain's seal of a root
 * over batch roots, and RFC 3161 tokens over the batch root. Each becomes one clock of the
 * verdict, with its time and finality, and is checked as hard as the primary seal:
 *
 *   evm      the batch root is a leaf of the anchor root (its proof), and the anchor root is on
 *            the pinned secondary chain exactly as the receipt says (chain-check.ts, all six checks)
 *   rfc3161  the token was checked by the caller (signature, chain to the pinned TSA certificate,
 *            imprint = the batch root, nonce) — CMS checking is asynchronous, so src/evidence does
 *            it and passes the answer in — and its time is the receipt's
 *
 * A clock that fails is `invalid` for the whole verdict (the receipt claims a clock it does not
 * have: it was altered). A clock that cannot be checked (its chain or TSA is not in the pinned
 * trust root, or no endpoint for its chain was given) is listed with `ok: null`, never dropped,
 * and never counts for `sealedAt`.
 */
import { anchorIncludes, type EvmAnchor, type Receipt, type TimestampAnchor } from '../seal'
import { trustedContract, type TrustPolicy } from '../trust'
import { checkOnChain } from './chain-check'
import type { AnchorEvidence, AnchorPlan, Check, Clock, VerdictChain } from './types'

/** Where a checked token's answer is kept: per batch root and token (two receipts may carry different tokens). */
export function timestampKey (batchRoot: string, token: string): string {
  return `${batchRoot.toLowerCase()}:${token}`
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()

/** What the caller must gather for the anchors of `receipt` (the deciding one). */
export function planAnchors (receipt: Receipt | null): AnchorPlan {
  const plan: AnchorPlan = { chains: [], timestamps: [] }
  if (receipt === null || !Array.isArray(receipt.anchors)) return plan
  for (const anchor of receipt.anchors) {
    if (anchor?.type === 'evm') {
      const { seal } = anchor
      let chain = plan.chains.find((c) => c.chainId === seal.chainId)
      if (chain === undefined) {
        chain = { chainId: seal.chainId, seals: [], blockNumbers: [], txs: [], contracts: [] }
        plan.chains.push(chain)
      }
      const contract = seal.contract.toLowerCase()
      if (!chain.seals.some((s) => s.root === seal.root)) chain.seals.push({ root: seal.root, contract })
      if (!chain.blockNumbers.includes(seal.blockNumber)) chain.blockNumbers.push(seal.blockNumber)
      if (!chain.txs.includes(seal.txHash)) chain.txs.push(seal.txHash)
      if (!chain.contracts.includes(contract)) chain.contracts.push(contract)
    } else if (anchor?.type === 'rfc3161') {
      plan.timestamps.push({ name: anchor.name, token: anchor.token, root: receipt.seal.root })
    }
  }
  return plan
}

export type AnchorsCheck =
  | { ok: true, clocks: Clock[], checks: Check[] }
  | { ok: false, reason: string, clocks: Clock[], checks: Check[] }

/** The primary seal as a clock. */
export function primaryClock (receipt: Receipt, final: boolean, chain: VerdictChain): Clock {
  return { kind: 'evm', name: 'primary', chainId: chain.chainId, time: iso(receipt.seal.timestamp), final, ok: true, detail: `Sealed on chain ${chain.chainId} by ${chain.contract}.` }
}

export function checkAnchors (receipt: Receipt, trust: TrustPolicy, evidence: AnchorEvidence | undefined): AnchorsCheck {
  const clocks: Clock[] = []
  const checks: Check[] = []
  let failure: string | null = null
  for (const anchor of receipt.anchors ?? []) {
    const clock = anchor.type === 'evm' ? evmClock(anchor, receipt, trust, evidence) : timestampClock(anchor, receipt, trust, evidence)
    clocks.push(clock)
    checks.push({ check: 'anchor', ok: clock.ok, detail: `${anchor.name}: ${clock.detail}` })
    if (clock.ok === false && failure === null) failure = `The receipt's anchor ${anchor.name} does not check: ${clock.detail}`
  }
  return failure === null ? { ok: true, clocks, checks } : { ok: false, reason: failure, clocks, checks }
}

function evmClock (anchor: EvmAnchor, receipt: Receipt, trust: TrustPolicy, evidence: AnchorEvidence | undefined): Clock {
  const { seal } = anchor
  const clock = (ok: boolean | null, detail: string, final = false): Clock => ({ kind: 'evm', name: anchor.name, chainId: seal.chainId, time: ok === true ? iso(seal.timestamp) : null, final, ok, detail })
  if (!anchorIncludes(anchor, receipt.seal.root)) return clock(false, `its proof does not lead from the batch root ${receipt.seal.root} to the anchor root ${seal.root}.`)
  const pinned = trust.anchors?.chains.find((c) => c.chainId === seal.chainId)
  if (pinned === undefined || trustedContract(pinned, seal.contract) === null) {
    return clock(null, `not checked: the pinned trust root does not trust contract ${seal.contract} on chain ${seal.chainId}.`)
  }
  const answers = evidence?.chains[seal.chainId]
  if (answers === undefined) return clock(null, `not checked: no JSON-RPC endpoint for chain ${seal.chainId} was given.`)
  const result = checkOnChain({ seal }, answers, { fingerprint: trust.fingerprint, chain: pinned })
  if (!result.ok) return clock(false, result.reason)
  return clock(true, `the batch root is in anchor root ${seal.root.slice(0, 18)}…, sealed on chain ${seal.chainId} in block ${seal.blockNumber} at ${iso(seal.timestamp)}; ${result.checks.at(-1)?.detail ?? ''}`, result.final)
}

function timestampClock (anchor: TimestampAnchor, receipt: Receipt, trust: TrustPolicy, evidence: AnchorEvidence | undefined): Clock {
  const clock = (ok: boolean | null, detail: string, time: string | null = null): Clock => ({ kind: 'rfc3161', name: anchor.name, time, final: ok === true, ok, detail })
  if (trust.anchors?.tsas.some((t) => t.name === anchor.name) !== true) return clock(null, `not checked: the pinned trust root names no time-stamping authority ${anchor.name}.`)
  const answer = evidence?.timestamps[timestampKey(receipt.seal.root, anchor.token)]
  if (answer === undefined) return clock(null, 'not checked: the token was not checked by the caller.')
  if (!answer.ok) return clock(false, `the RFC 3161 token is refused (${answer.code}): ${answer.reason}`)
  if (Date.parse(answer.time) !== Date.parse(anchor.time)) return clock(false, `the token says ${answer.time}, the receipt ${anchor.time}.`)
  return clock(true, `an RFC 3161 token of ${answer.tsa} over the batch root, at ${answer.time}.`, new Date(Date.parse(answer.time)).toISOString())
}

/** `sealedAt` and `final` from the clocks: the earliest final clock that checks; else the primary's time, not final. */
export function earliestFinal (clocks: readonly Clock[], primaryTime: string): { sealedAt: string, final: boolean } {
  const final = clocks.filter((c) => c.ok === true && c.final && c.time !== null).map((c) => c.time as string).sort()
  return final.length > 0 ? { sealedAt: final[0], final: true } : { sealedAt: primaryTime, final: false }
}
