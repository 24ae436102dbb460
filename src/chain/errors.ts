import { CodedError } from '../util'

export type ChainErrorCode =
  | 'INVALID_CONFIG' // a bad RPC URL, contract address or private key (the key is never shown)
  | 'INVALID_INPUT' // a bad argument: root, leaf count, tx hash, block number, proof
  | 'RPC_UNREACHABLE' // no connection: refused, DNS failure, reset, 502/503/504 from a gateway
  | 'RPC_TIMEOUT' // one request got no answer in time
  | 'RPC_BAD_ANSWER' // the node answered something malformed or out of range
  | 'RPC_ERROR' // the node answered with a JSON-RPC error not covered by another code
  | 'CHAIN_ID_MISMATCH' // the node is on another chain than expected
  | 'NO_CONTRACT' // no code at the contract address, or the code there is not a HyperSeal
  | 'NO_SIGNER' // a transaction was asked of a client made without a signer key
  | 'REVERTED_ALREADY_SEALED' // HyperSealAlreadySealed(root): the root is on chain already
  | 'REVERTED_EMPTY_BATCH' // HyperSealEmptyBatch()
  | 'REVERTED_UNAUTHORIZED' // AccessControlUnauthorizedAccount: the key lacks SEALER_ROLE
  | 'REVERTED_OTHER' // any other revert, or a mined transaction with status 0
  | 'NONCE_EXPIRED' // the nonce was used already (the transaction or its replacement was mined)
  | 'REPLACEMENT_UNDERPRICED' // a replacement at the same nonce did not raise the fee enough
  | 'INSUFFICIENT_FUNDS' // the signer cannot pay for gas
  | 'WAIT_TIMEOUT' // a transaction was not mined, or not confirmed, within the time given
  | 'TX_DROPPED' // the node no longer knows a transaction it was sent (not mined, not pending)
  | 'REORGED' // a mined transaction left the canonical chain
  | 'ANVIL_FAILED' // the embedded anvil could not be started, answered wrongly or would not stop
  | 'PORT_TAKEN' // the embedded anvil's fixed port (HYPERSEAL_CHAIN_PORT) is held by another program

export class ChainError extends CodedError<ChainErrorCode> {}
