import { expect } from 'chai'
import fc from 'fast-check'
import { keccak256 } from 'ethers'
import { keccak256 as jsKeccak } from 'js-sha3'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { standardLeafHash } from '@openzeppelin/merkle-tree/dist/hashes'
import { LEAF_ENCODING, fastKeccakLoaded, keccakHex, leafHash, leafOf, loadFastKeccak } from '../../src/seal'
import { foldProof } from '../../src/verify'
import { headArb, signHead, WRITERS } from './helpers'

// Keccak-256 absorbs 136 bytes a block: lengths around 0, 1, 2 and 3 blocks cross every padding case.
const bytesArb = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 300 }),
  fc.integer({ min: 0, max: 3 }).chain((k) => fc.uint8Array({ minLength: Math.max(0, 136 * k - 2), maxLength: 136 * k + 2 }))
)

describe('seal: Keccak-256 (WebAssembly once loaded, js-sha3 before)', () => {
  before(async () => { await loadFastKeccak() })

  it('loads the WebAssembly Keccak, and loading again is harmless', async () => {
    expect(fastKeccakLoaded()).to.equal(true)
    await loadFastKeccak()
    expect(fastKeccakLoaded()).to.equal(true)
  })

  it('hashes any bytes as ethers and js-sha3 do', () => {
    fc.assert(fc.property(bytesArb, (bytes) => {
      const want = keccak256(bytes)
      return keccakHex(bytes) === want && '0x' + jsKeccak(bytes) === want
    }), { numRuns: 500 })
  })

  it('keeps no state between hashes (interleaved inputs give their own digests)', () => {
    fc.assert(fc.property(fc.array(bytesArb, { minLength: 2, maxLength: 8 }), (inputs) => {
      const first = inputs.map((b) => keccakHex(b))
      const again = [...inputs].reverse().map((b) => keccakHex(b)).reverse()
      return first.every((h, i) => h === again[i] && h === '0x' + jsKeccak(inputs[i]))
    }), { numRuns: 200 })
  })

  it('makes the StandardMerkleTree leaf of any head, safe-integer lengths and forks included', () => {
    fc.assert(fc.property(headArb, (head) => leafHash(head) === standardLeafHash(LEAF_ENCODING, leafOf(head))), { numRuns: 300 })
    const top = signHead(WRITERS[0], Number.MAX_SAFE_INTEGER, 2 ** 32, Buffer.alloc(32, 9))
    expect(leafHash(top)).to.equal(standardLeafHash(LEAF_ENCODING, leafOf(top)))
  })

  it('refuses a leaf whose length is not a safe non-negative integer', () => {
    const head = signHead(WRITERS[0], 1, 0, Buffer.alloc(32, 9))
    for (const length of [-1, 1.5, 2 ** 53, Number.NaN]) {
      expect(() => leafHash({ ...head, length })).to.throw(RangeError)
    }
  })

  it('folds every proof of a tree to its root as OpenZeppelin does', () => {
    fc.assert(fc.property(fc.array(headArb, { minLength: 1, maxLength: 40 }), (heads) => {
      const unique = [...new Map(heads.map((h) => [leafHash(h), h])).values()]
      const tree = StandardMerkleTree.of(unique.map(leafOf), LEAF_ENCODING)
      return unique.every((h, i) => foldProof(leafHash(h), tree.getProof(i)) === tree.root)
    }), { numRuns: 40 })
  })

  it('folds nodes that are not 32 bytes of hex as their bytes read, never with an earlier pair', () => {
    const leaf = '0x' + 'ab'.repeat(32)
    const good = '0x' + 'cd'.repeat(32)
    const expected = keccak256(Buffer.from('ab'.repeat(32) + 'cd'.repeat(32), 'hex'))
    expect(foldProof(leaf, [good])).to.equal(expected)
    // Short, long and non-hex siblings hash what Buffer.from reads of them (as before), not the
    // 64-byte pair the fast path would have left from the hash above.
    for (const odd of ['0x' + 'cd'.repeat(31), '0x' + 'cd'.repeat(33), '0x' + 'zz'.repeat(32)]) {
      const [lo, hi] = leaf <= odd ? [leaf, odd] : [odd, leaf]
      expect(foldProof(leaf, [odd])).to.equal(keccak256(Buffer.from((lo + hi.slice(2)).slice(2), 'hex')))
    }
  })
})
