import { Interface, id, keccak256 } from 'ethers'
import artifact from './artifact/HyperSeal.json'

// The compiled contract, committed (scripts/export-artifact.ts) so that the service needs no
// Hardhat at runtime.
export const HYPERSEAL_ABI = artifact.abi
export const HYPERSEAL_BYTECODE: string = artifact.bytecode
export const HYPERSEAL_INTERFACE = new Interface(artifact.abi)
/**
 * keccak256 of HyperSeal's runtime code: what `eth_getCode` answers at any deployment (the
 * contract has no immutables), and what a trust root pins for its contracts.
 */
export const HYPERSEAL_CODE_HASH: string = keccak256(artifact.deployedBytecode)

/** `SEALER_ROLE` as the contract defines it; answering it is how a HyperSeal is recognised. */
export const SEALER_ROLE = id('SEALER_ROLE')
