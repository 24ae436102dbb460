/**
 * One head as a leaf of an OpenZeppelin StandardMerkleTree (DESIGN.md "Formats", v1):
 *
 *   types     = ["bytes32", "uint64", "uint64", "bytes32"] = (key, length, fork, treeHash)
 *   leafHash  = keccak256(bytes.concat(keccak256(abi.encode(key, length, fork, treeHash))))
 *
 * Every type is static, so abi.encode is four 32-byte words:
 *   key(32) ‖ uint256(length) ‖ uint256(fork) ‖ treeHash(32)          (128 bytes)
 * We write those words directly because @openzeppelin/merkle-tree's generic ABI encoder costs
 * ~165 µs a leaf (1.7 s for 10,000 heads) against ~25 µs here; the tests check both agree.
 * Keccak by js-sha3 on bytes (`keccakHex`): ethers' keccak256 re-validates its input with a
 * regular expression and runs a slower JS permutation, ~5x the time (the audit report hashes
 * a leaf and about one inner node for each receipt it checks).
 */
import { keccak256 as keccak } from 'js-sha3'
import type { Head } from './types'

export const LEAF_ENCODING = ['bytes32', 'uint64', 'uint64', 'bytes32']

/** A leaf as StandardMerkleTree values: 0x-hex bytes32 and decimal uint64 strings. */
export type Leaf = [key: string, length: string, fork: string, treeHash: string]

export function leafOf (head: Head): Leaf {
  return [
    '0x' + head.key.toString('hex'),
    String(head.length),
    String(head.fork),
    '0x' + head.treeHash.toString('hex')
  ]
}

/** The 0x-hex leaf hash of a head; the same as StandardMerkleTree's for leafOf(head). */
export function leafHash (head: Head): string {
  const encoded = Buffer.alloc(128)
  head.key.copy(encoded, 0)
  encoded.writeBigUInt64BE(BigInt(head.length), 56)
  encoded.writeBigUInt64BE(BigInt(head.fork), 88)
  head.treeHash.copy(encoded, 96)
  return '0x' + keccak(keccak.arrayBuffer(encoded))
}

/** keccak256 of bytes as 0x-hex (the same as ethers' keccak256). */
export function keccakHex (bytes: Uint8Array): string {
  return '0x' + keccak(bytes)
}
