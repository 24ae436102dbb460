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
 * Keccak by keccak.ts on bytes (`keccakHex`; WebAssembly once loaded, js-sha3 before): ethers'
 * keccak256 re-validates its input with a regular expression and runs a slower JS permutation,
 * ~5x the time (the audit report hashes a leaf and about one inner node for each receipt it
 * checks).
 */
import { doubleKeccakHexRaw, keccakHexRaw } from './keccak'
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
  // One buffer a thread, rewritten whole for each leaf (every byte is set below): the hash is
  // taken before anything else can run. Zero words stay zero: only bytes 56-63 and 88-95 hold
  // the uint64s, written as two 32-bit halves (a safe integer's high half fits 21 bits).
  const encoded = LEAF_SCRATCH
  head.key.copy(encoded, 0)
  writeUint64(encoded, 56, head.length)
  writeUint64(encoded, 88, head.fork)
  head.treeHash.copy(encoded, 96)
  return '0x' + doubleKeccakHexRaw(encoded)
}

const LEAF_SCRATCH = Buffer.alloc(128)
const TWO_32 = 2 ** 32

function writeUint64 (buffer: Buffer, offset: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`A leaf's uint64 must be a safe non-negative integer, not ${value}.`)
  buffer.writeUInt32BE(Math.floor(value / TWO_32), offset)
  buffer.writeUInt32BE(value % TWO_32, offset + 4)
}

/** keccak256 of bytes as 0x-hex (the same as ethers' keccak256). */
export function keccakHex (bytes: Uint8Array): string {
  return '0x' + keccakHexRaw(bytes)
}
