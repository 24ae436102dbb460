import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseReceipt, type Receipt } from '../../src/seal'
import { assess, planVerify, verify, type ChainView, type Finding, type VerifyInput } from '../../src/verify'
import { WRITERS } from '../seal/helpers'
import { CONTRACT, codeOf, headOf, inputOf, line, replicaOf, sealedCore } from './helpers'

const { key, history, chain, receipts } = sealedCore()
const base = (version = 15): VerifyInput => inputOf({ key, version, receipts, chain, replica: replicaOf(history, 35) })

/** Receipts with the deciding one (length 20, for version 15) replaced. */
function withDeciding (change: (r: Receipt) => unknown): VerifyInput {
  return { ...base(), receipts: [receipts[0], change(receipts[1]) as Receipt, receipts[2]] }
}
const flipHex = (hex: string, at = 5): string => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1)
const view = (change: (v: ChainView) => ChainView): VerifyInput => ({ ...base(), chain: change(chain.view()) })
const root = receipts[1].seal.root
const block = receipts[1].seal.blockNumber

describe('verify: invalid, never skipped', () => {
  const cases: Array<[string, VerifyInput, Finding]> = [
    ['the deciding head\'s signature is altered', withDeciding((r) => ({ ...r, head: { ...r.head, signature: flipHex(r.head.signature, 20) } })), 'BAD_SIGNATURE'],
    ['the deciding head\'s length is altered', withDeciding((r) => ({ ...r, head: { ...r.head, length: 21 } })), 'BAD_SIGNATURE'],
    ['the deciding head\'s manifest is another writer\'s', withDeciding((r) => ({ ...r, head: { ...r.head, manifest: WRITERS[1].manifest.toString('hex') } })), 'KEY_MISMATCH'],
    ['the deciding head\'s manifest has an unknown version', withDeciding((r) => ({ ...r, head: { ...r.head, manifest: '04' + r.head.manifest.slice(2) } })), 'BAD_MANIFEST'],
    ['a proof node is altered', withDeciding((r) => ({ ...r, proof: [flipHex(r.proof[0]), ...r.proof.slice(1)] })), 'BAD_PROOF'],
    ['the root is altered', withDeciding((r) => ({ ...r, seal: { ...r.seal, root: flipHex(r.seal.root) } })), 'BAD_PROOF'],
    ['the deciding receipt has an unknown field', withDeciding((r) => ({ ...r, note: 'x' })), 'BAD_RECEIPT'],
    ['a receipt that would not decide has no seal', { ...base(), receipts: [...receipts, { ...receipts[2], seal: undefined } as unknown as Receipt] }, 'BAD_RECEIPT'],
    ['a receipt of another core is in the list', { ...base(), receipts: [...receipts, ...chainOfStranger()] }, 'OTHER_CORE'],
    ['another chain', view((v) => ({ ...v, chainId: 1 })), 'WRONG_CHAIN'],
    ['another contract', view((v) => ({ ...v, contract: '0x' + '11'.repeat(20) })), 'WRONG_CONTRACT'],
    ['the root was never sealed', view((v) => ({ ...v, seals: { ...v.seals, [root]: null } })), 'NOT_ON_CHAIN'],
    ['the chain has another block for the root', view((v) => ({ ...v, seals: { ...v.seals, [root]: { ...v.seals[root]!, blockNumber: block + 1 } } })), 'SEAL_MISMATCH'],
    ['the chain has another time for the root', view((v) => ({ ...v, seals: { ...v.seals, [root]: { ...v.seals[root]!, timestamp: v.seals[root]!.timestamp - 1 } } })), 'SEAL_MISMATCH'],
    ['another transaction sealed the root', view((v) => ({ ...v, seals: { ...v.seals, [root]: { ...v.seals[root]!, txHash: flipHex(receipts[1].seal.txHash) } } })), 'SEAL_MISMATCH'],
    ['the root was sealed with another leaf count', view((v) => ({ ...v, seals: { ...v.seals, [root]: { ...v.seals[root]!, leafCount: 4 } } })), 'SEAL_MISMATCH'],
    ['the block is not canonical', view((v) => ({ ...v, blockHashes: { ...v.blockHashes, [block]: flipHex(receipts[1].seal.blockHash) } })), 'BLOCK_HASH_MISMATCH'],
    ['the block does not exist', view((v) => ({ ...v, blockHashes: { ...v.blockHashes, [block]: null } })), 'BLOCK_HASH_MISMATCH']
  ]
  for (const [name, input, finding] of cases) {
    it(`invalid when ${name}`, () => {
      const { verdict, finding: got } = assess(input)
      expect({ status: verdict.status, finding: got }, verdict.reason).to.deep.equal({ status: 'invalid', finding })
      expect(verdict.sealedAt).to.equal(null)
      expect(verdict.final).to.equal(false)
    })
  }

  it('judges the receipt that would decide even when another one would verify', () => {
    const input = withDeciding((r) => ({ ...r, head: { ...r.head, signature: flipHex(r.head.signature, 30) } }))
    expect(verify(input).status).to.equal('invalid')
    expect(verify(input).receipt?.head.length).to.equal(20)
    expect(verify({ ...input, version: 25 }).status).to.equal('verified')
  })

  it('checks only the deciding receipt in full (the others are screened for form and core)', () => {
    const input = { ...base(), receipts: [receipts[0], receipts[1], { ...receipts[2], head: { ...receipts[2].head, signature: flipHex(receipts[2].head.signature, 20) } }] }
    expect(verify(input).status).to.equal('verified')
    expect(verify({ ...input, version: 25 }).status).to.equal('invalid')
  })

  it('accepts a checksummed contract and mixed-case hashes in the chain view', () => {
    const v = chain.view()
    const upper = { ...v, contract: CONTRACT.toLowerCase(), blockHashes: { ...v.blockHashes, [block]: '0x' + receipts[1].seal.blockHash.slice(2).toUpperCase() } }
    expect(verify({ ...base(), chain: upper }).status).to.equal('verified')
    expect(verify({ ...base(), chain: { ...v, blockHashes: undefined } }).status).to.equal('verified')
  })
})

function chainOfStranger (): Receipt[] {
  const { chain: c } = sealedCore()
  return c.seal([headOf(WRITERS[2], line('z'), 4)])
}

describe('verify: malformed calls throw coded errors', () => {
  const bad: Array<[string, () => unknown, string]> = [
    ['version 0', () => verify(base(0)), 'BAD_INPUT'],
    ['a negative version', () => verify(base(-1)), 'BAD_INPUT'],
    ['a fractional version', () => verify(base(1.5)), 'BAD_INPUT'],
    ['an unsafe version', () => verify(base(2 ** 53)), 'BAD_INPUT'],
    ['a short key', () => verify({ ...base(), key: key.slice(2) }), 'BAD_INPUT'],
    ['receipts not an array', () => verify({ ...base(), receipts: {} as unknown as Receipt[] }), 'BAD_INPUT'],
    ['an incident that is not an object', () => verify({ ...base(), incidents: [null as never] }), 'BAD_INPUT'],
    ['a replica without fork', () => verify({ ...base(), replica: { length: 3 } as never }), 'BAD_INPUT'],
    ['a replica tree hash in upper case', () => verify({ ...base(), replica: { ...replicaOf(history, 35), treeHash: 'AB'.repeat(32) } }), 'BAD_INPUT'],
    ['both a local tree and a prefix proof', () => verify({ ...base(), replica: { ...replicaOf(history, 35), prefixProof: { fork: 0, upgrade: null } } }), 'BAD_INPUT'],
    ['a chain view without seals', () => verify({ ...base(), chain: { ...chain.view(), seals: undefined as never } }), 'BAD_INPUT'],
    ['zero confirmations required', () => verify({ ...base(), chain: chain.view({ confirmationsRequired: 0 }) }), 'BAD_INPUT'],
    ['a seal answer with a string block', () => verify(view((v) => ({ ...v, seals: { ...v.seals, [root]: { timestamp: 1, blockNumber: '2' as never } } }))), 'BAD_INPUT'],
    ['a tree hash that is not hex', () => verify({ ...base(), replica: { length: 35, fork: 0, treeHashAt: () => 'zz' } }), 'BAD_INPUT'],
    ['no sealedAt answer for the deciding root', () => verify(view((v) => ({ ...v, seals: {} }))), 'MISSING_ANSWER'],
    ['no hash for the deciding block', () => verify(view((v) => ({ ...v, blockHashes: {} }))), 'MISSING_ANSWER'],
    ['no tree hash at the sealed length', () => verify({ ...base(), replica: { length: 35, fork: 0, treeHashAt: () => undefined } }), 'MISSING_ANSWER'],
    ['a prefix proof from a replica shorter than the sealed length', () => verify({ ...base(), replica: { length: 5, fork: 0, prefixProof: { fork: 0, upgrade: null } } }), 'BAD_INPUT'],
    ['no tree source at all', () => verify({ ...base(), replica: { length: 35, fork: 0 } }), 'MISSING_ANSWER']
  ]
  for (const [name, fn, code] of bad) {
    it(`${code}: ${name}`, () => expect(codeOf(fn)).to.equal(code))
  }

  it('needs no answer it did not plan for (pending, invalid list)', () => {
    expect(verify({ ...base(31), chain: chain.view({ seals: {} }), replica: { length: 35, fork: 0 } }).status).to.equal('pending')
    const strangers = { ...base(), receipts: [...receipts, ...chainOfStranger()], chain: chain.view({ seals: {} }) }
    expect(verify(strangers).status).to.equal('invalid')
  })
})

describe('verify: planVerify names what to fetch', () => {
  it('the deciding receipt\'s length, root and block', () => {
    expect(planVerify({ key, version: 15, receipts })).to.deep.equal({
      receipt: receipts[1], lengths: [20], roots: [root], blockNumbers: [block]
    })
    expect(planVerify({ key: key.toUpperCase(), version: 30, receipts }).lengths).to.deep.equal([30])
  })

  it('nothing when nothing covers the version or a receipt is malformed', () => {
    const none = { receipt: null, lengths: [], roots: [], blockNumbers: [] }
    expect(planVerify({ key, version: 31, receipts })).to.deep.equal(none)
    expect(planVerify({ key, version: 5, receipts: [...receipts, ...chainOfStranger()] })).to.deep.equal(none)
    expect(codeOf(() => planVerify({ key, version: 0, receipts }))).to.equal('BAD_INPUT')
  })

  it('an input built from exactly the plan verifies', () => {
    const plan = planVerify({ key, version: 15, receipts })
    const full = chain.view()
    const trees = new Map(plan.lengths.map((l) => [l, history.treeAt(l).toString('hex')]))
    const verdict = verify({
      key,
      version: 15,
      receipts,
      replica: { length: 35, fork: 0, treeHashAt: (l) => trees.get(l) },
      chain: {
        ...full,
        seals: Object.fromEntries(plan.roots.map((r) => [r, full.seals[r]])),
        blockHashes: Object.fromEntries(plan.blockNumbers.map((b) => [b, full.blockHashes![b]]))
      }
    })
    expect(verdict.status).to.equal('verified')
  })
})

describe('verify: the captured real-run receipt (test/fixtures/receipt-v1.json)', () => {
  const fixture = parseReceipt(JSON.parse(readFileSync(join(__dirname, '../fixtures/receipt-v1.json'), 'utf8')))
  const { seal, head } = fixture
  const input = (treeHash: string, answer = { timestamp: seal.timestamp, blockNumber: seal.blockNumber, txHash: seal.txHash, leafCount: seal.leafCount }): VerifyInput => ({
    key: head.key,
    version: head.length,
    receipts: [fixture],
    replica: { length: head.length, fork: head.fork, treeHashAt: (l) => (l === head.length ? treeHash : undefined) },
    chain: { chainId: seal.chainId, contract: seal.contract, headBlock: seal.blockNumber + 5, confirmationsRequired: 2, seals: { [seal.root]: answer }, blockHashes: { [seal.blockNumber]: seal.blockHash } }
  })

  it('verifies against its own seal and the sealed tree', () => {
    const verdict = verify(input(head.treeHash))
    expect(verdict).to.deep.include({ status: 'verified', final: true, sealedAt: new Date(seal.timestamp * 1000).toISOString() })
  })

  it('is a fork when the replica has another tree at length 42 on fork 0', () => {
    expect(verify(input(flipHex(head.treeHash, 63))).status).to.equal('fork')
  })

  it('is invalid when the chain dates the root otherwise', () => {
    expect(verify(input(head.treeHash, { timestamp: seal.timestamp + 1, blockNumber: seal.blockNumber, txHash: seal.txHash, leafCount: seal.leafCount })).status).to.equal('invalid')
  })
})
