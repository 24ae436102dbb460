/**
 * A receipt's seal against the pinned trust policy and the chain's raw answers. The contract's
 * own word (`sealedAt`) is one check of six; anyone can deploy a contract that says anything,
 * so the chain itself is read too:
 *
 *   trust        the receipt's chain id and contract are the pinned ones (never the receipt's word)
 *   contract     keccak256 of the contract's runtime code is the pinned HyperSeal code hash
 *   sealed       sealedAt(root) on that contract is the receipt's block and time
 *   block        the block at blockNumber is canonical (blockHash) and its time is the receipt's
 *   transaction  txHash was mined in that block, to the contract, succeeded, and its receipt holds
 *                exactly one Sealed log of the contract, for this root, with this leaf count
 *   finality     confirmations against the head (its own block is the first), or the finalized tag
 *
 * Any difference is `invalid` (the receipt or the chain answer was altered, or the seal was
 * reorged away), never a skip. The Sealed log layout is IHyperSeal.sol's:
 *   topics = [keccak256("Sealed(bytes32,uint64,uint32,address)"), root, sequence]
 *   data   = abi.encode(uint32 leafCount, address sealer)   (two 32-byte words)
 */
import { keccakHex, type Receipt } from '../seal'
import { requiredConfirmations, trustedContract, type TrustPolicy } from '../trust'
import { VerifyError } from './errors'
import { blockAnswer, codeAnswer, sealedAtAnswer, txAnswer } from './input'
import type { ChainEvidence, Check, Finding, VerdictChain } from './types'

export const SEALED_TOPIC = keccakHex(new TextEncoder().encode('Sealed(bytes32,uint64,uint32,address)'))

type ChainFinding = Extract<Finding, 'UNTRUSTED_CHAIN' | 'UNTRUSTED_CONTRACT' | 'WRONG_CHAIN' | 'NOT_HYPERSEAL_CODE' | 'NOT_ON_CHAIN' | 'SEAL_MISMATCH' | 'BLOCK_MISMATCH' | 'TX_MISMATCH'>

export type ChainCheck =
  | { ok: true, final: boolean, chain: VerdictChain, checks: Check[] }
  | { ok: false, finding: ChainFinding, reason: string, checks: Check[] }

// Runtime code is the same for every seal of a contract: its hash is kept for the few codes seen.
const codeHashes = new Map<string, string>()

function codeHash (code: string): string {
  let hash = codeHashes.get(code)
  if (hash === undefined) {
    // codeAnswer gave 0x and an even count of hex digits.
    hash = keccakHex(Buffer.from(code.slice(2), 'hex'))
    if (codeHashes.size >= 8) codeHashes.clear()
    codeHashes.set(code, hash)
  }
  return hash
}

const when = (seconds: number): string => new Date(seconds * 1000).toISOString()

export function checkOnChain (receipt: Pick<Receipt, 'seal'>, chain: ChainEvidence, trust: TrustPolicy): ChainCheck {
  const checks: Check[] = []
  const fail = (finding: ChainFinding, check: Check['check'], reason: string): ChainCheck => {
    checks.push({ check, ok: false, detail: reason })
    return { ok: false, finding, reason, checks }
  }
  const pass = (check: Check['check'], detail: string): void => { checks.push({ check, ok: true, detail }) }
  const { seal } = receipt
  const pinned = trust.chain

  if (seal.chainId !== pinned.chainId) {
    return fail('UNTRUSTED_CHAIN', 'trust', `The receipt is for chain ${seal.chainId}, which the pinned trust root (${trust.fingerprint.slice(0, 16)}) does not name.`)
  }
  const contract = trustedContract(pinned, seal.contract)
  if (contract === null) {
    return fail('UNTRUSTED_CONTRACT', 'trust', `The receipt names contract ${seal.contract}, which the pinned trust root does not trust on chain ${pinned.chainId} (it trusts ${pinned.contracts.map((c) => c.address).join(', ')}).`)
  }
  if (chain.chainId !== pinned.chainId) {
    return fail('WRONG_CHAIN', 'trust', `The RPC endpoint is on chain ${chain.chainId}, not chain ${pinned.chainId} of the receipt.`)
  }
  pass('trust', `Chain ${pinned.chainId} and contract ${contract.address} are the ones the pinned trust root names.`)

  const code = codeAnswer(chain, contract.address)
  if (code === '0x') return fail('NOT_HYPERSEAL_CODE', 'contract', `There is no contract at ${contract.address} on chain ${pinned.chainId}.`)
  if (codeHash(code) !== contract.codeHash) {
    return fail('NOT_HYPERSEAL_CODE', 'contract', `The code at ${contract.address} hashes to ${codeHash(code)}, not to the pinned HyperSeal code hash ${contract.codeHash}.`)
  }
  pass('contract', `The code at ${contract.address} is HyperSeal's (code hash ${contract.codeHash.slice(0, 18)}…).`)

  const sealed = sealedAtAnswer(chain, seal.root)
  if (sealed === null) return fail('NOT_ON_CHAIN', 'sealed', `The root ${seal.root} was never sealed by the trusted contract (or its seal was reorged away).`)
  if (sealed.blockNumber !== seal.blockNumber || sealed.timestamp !== seal.timestamp) {
    return fail('SEAL_MISMATCH', 'sealed', `The contract has root ${seal.root} sealed in block ${sealed.blockNumber} at ${sealed.timestamp}, but the receipt claims block ${seal.blockNumber} at ${seal.timestamp}.`)
  }
  pass('sealed', `The contract records root ${seal.root.slice(0, 18)}… as sealed in block ${seal.blockNumber}.`)

  const block = blockAnswer(chain, seal.blockNumber)
  if (block === null) return fail('BLOCK_MISMATCH', 'block', `The chain has no block ${seal.blockNumber}, where the receipt says its root was sealed.`)
  if (block.hash !== seal.blockHash) {
    return fail('BLOCK_MISMATCH', 'block', `Block ${seal.blockNumber} is ${block.hash} on the chain, not ${seal.blockHash} as the receipt claims: the receipt's block is not canonical.`)
  }
  if (block.timestamp !== seal.timestamp) {
    return fail('BLOCK_MISMATCH', 'block', `Block ${seal.blockNumber} was made at ${when(block.timestamp)}, not at ${when(seal.timestamp)} as the receipt (and the contract) claim.`)
  }
  pass('block', `Block ${seal.blockNumber} (${block.hash.slice(0, 18)}…) is canonical and was made at ${when(block.timestamp)}.`)

  const tx = txAnswer(chain, seal.txHash)
  const txFault = tx === null
    ? `The chain has no mined transaction ${seal.txHash}.`
    : tx.blockNumber !== seal.blockNumber || tx.blockHash !== seal.blockHash
      ? `The transaction ${seal.txHash} was mined in block ${tx.blockNumber} (${tx.blockHash}), not in the receipt's block ${seal.blockNumber}.`
      : tx.to !== contract.address
        ? `The transaction ${seal.txHash} was sent to ${tx.to ?? 'no address (a contract creation)'}, not to the trusted contract ${contract.address}.`
        : tx.status !== 1
          ? `The transaction ${seal.txHash} reverted.`
          : sealedLogFault(tx.logs, contract.address, seal.root, seal.leafCount)
  if (txFault !== null) return fail('TX_MISMATCH', 'transaction', txFault)
  pass('transaction', `Transaction ${seal.txHash.slice(0, 18)}… succeeded and logged Sealed(${seal.root.slice(0, 18)}…, ${seal.leafCount} leaves) from the contract.`)

  const confirmations = Math.max(0, chain.headBlock - seal.blockNumber + 1)
  const required = requiredConfirmations(pinned)
  let final: boolean
  if (required === null) {
    if (chain.finalizedBlock === undefined) throw new VerifyError('MISSING_ANSWER', 'The trust policy asks for the finalized tag: the chain evidence needs finalizedBlock (null when the chain has none).')
    final = chain.finalizedBlock !== null && seal.blockNumber <= chain.finalizedBlock
    checks.push({ check: 'finality', ok: final, detail: final ? `Block ${seal.blockNumber} is finalized (the chain's finalized block is ${chain.finalizedBlock}).` : `Block ${seal.blockNumber} is not finalized yet (finalized block: ${chain.finalizedBlock ?? 'none'}).` })
  } else {
    final = confirmations >= required
    checks.push({ check: 'finality', ok: final, detail: `${confirmations} confirmation${confirmations === 1 ? '' : 's'} of the ${required} the trust root asks for.` })
  }
  return { ok: true, final, chain: { chainId: pinned.chainId, contract: contract.address, embedded: pinned.embedded, confirmations, required: required ?? 'finalized' }, checks }
}

/** Why the transaction's logs do not hold exactly one Sealed(root) log of the contract with this leaf count; null when they do. */
function sealedLogFault (logs: ReadonlyArray<{ address: string, topics: readonly string[], data: string }>, contract: string, root: string, leafCount: number): string | null {
  const sealedLogs = logs.filter((l) => l.address === contract && l.topics[0] === SEALED_TOPIC)
  if (sealedLogs.length !== 1) return `The transaction holds ${sealedLogs.length} Sealed logs of the contract, not exactly one.`
  const [log] = sealedLogs
  if (log.topics.length !== 3 || log.topics[1] !== root) return `The transaction's Sealed log is for root ${log.topics[1] ?? '(none)'}, not ${root}.`
  // data = uint32 leafCount ‖ address sealer, each left-padded to 32 bytes.
  if (log.data.length !== 2 + 128) return 'The transaction\'s Sealed log does not carry (leafCount, sealer).'
  const count = BigInt('0x' + log.data.slice(2, 66))
  if (count !== BigInt(leafCount)) return `The transaction's Sealed log announces ${count} leaves, not ${leafCount} as the receipt claims.`
  return null
}
