import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { HYPERSEAL_CODE_HASH } from '../../src/chain'
import { parseReceipt, type Receipt } from '../../src/seal'
import { policyFor } from '../../src/trust'
import { assess, planVerify, SEALED_TOPIC, verify, type ChainEvidence, type Finding, type VerifyInput } from '../../src/verify'
import { WRITERS } from '../seal/helpers'
import { CHAIN_ID, CODE, CONTRACT, TRUST, codeOf, headOf, inputOf, line, replicaOf, sealedCore, trustRoot } from './helpers'

const { key, history, chain, receipts } = sealedCore()
const base = (version = 15): VerifyInput => inputOf({ key, version, receipts, chain, replica: replicaOf(history, 35) })

/** Receipts with the deciding one (length 20, for version 15) replaced. */
function withDeciding (change: (r: Receipt) => unknown): VerifyInput {
  return { ...base(), receipts: [receipts[0], change(receipts[1]) as Receipt, receipts[2]] }
}
const flipHex = (hex: string, at = 5): string => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1)
const evidence = (change: (v: ChainEvidence) => ChainEvidence): VerifyInput => ({ ...base(), chain: change(chain.view()) })
const { root, blockNumber: block, txHash } = receipts[1].seal
const tx = (change: (t: NonNullable<ChainEvidence['txs'][string]>) => unknown): VerifyInput =>
  evidence((v) => ({ ...v, txs: { ...v.txs, [txHash]: change(v.txs[txHash]!) as never } }))
const LOOK_ALIKE = '0x' + '42'.repeat(20)

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
    // The trust root, not the receipt, says which chain and contract count.
    ['the receipt names a chain the trust root does not', withDeciding((r) => ({ ...r, seal: { ...r.seal, chainId: 1 } })), 'UNTRUSTED_CHAIN'],
    ['the receipt names a look-alike contract', withDeciding((r) => ({ ...r, seal: { ...r.seal, contract: LOOK_ALIKE } })), 'UNTRUSTED_CONTRACT'],
    ['the RPC is on another chain', evidence((v) => ({ ...v, chainId: 1 })), 'WRONG_CHAIN'],
    // The contract's own word is not enough: its code, the block and the transaction are read.
    ['the trusted address holds other code', evidence((v) => ({ ...v, code: { [CONTRACT]: CODE.slice(0, -2) + '00' } })), 'NOT_HYPERSEAL_CODE'],
    ['the trusted address holds no code', evidence((v) => ({ ...v, code: { [CONTRACT]: '0x' } })), 'NOT_HYPERSEAL_CODE'],
    ['the root was never sealed', evidence((v) => ({ ...v, seals: { ...v.seals, [root]: null } })), 'NOT_ON_CHAIN'],
    ['the contract has another block for the root', evidence((v) => ({ ...v, seals: { ...v.seals, [root]: { ...v.seals[root]!, blockNumber: block + 1 } } })), 'SEAL_MISMATCH'],
    ['the contract has another time for the root', evidence((v) => ({ ...v, seals: { ...v.seals, [root]: { ...v.seals[root]!, timestamp: v.seals[root]!.timestamp - 1 } } })), 'SEAL_MISMATCH'],
    ['the block is not canonical (reorged away)', evidence((v) => ({ ...v, blocks: { ...v.blocks, [block]: { ...v.blocks[block]!, hash: flipHex(receipts[1].seal.blockHash) } } })), 'BLOCK_MISMATCH'],
    ['the block does not exist', evidence((v) => ({ ...v, blocks: { ...v.blocks, [block]: null } })), 'BLOCK_MISMATCH'],
    // A contract that echoes any time it is told: the block's own time contradicts it.
    ['the block was made at another time than the contract and receipt claim', evidence((v) => ({ ...v, blocks: { ...v.blocks, [block]: { ...v.blocks[block]!, timestamp: v.blocks[block]!.timestamp + 1 } } })), 'BLOCK_MISMATCH'],
    ['the transaction does not exist', tx(() => null), 'TX_MISMATCH'],
    ['the transaction went to another address', tx((t) => ({ ...t, to: LOOK_ALIKE })), 'TX_MISMATCH'],
    ['the transaction failed', tx((t) => ({ ...t, status: 0 })), 'TX_MISMATCH'],
    ['the transaction was mined in another block', tx((t) => ({ ...t, blockNumber: block + 1 })), 'TX_MISMATCH'],
    ['the transaction has no Sealed log', tx((t) => ({ ...t, logs: [] })), 'TX_MISMATCH'],
    ['the Sealed log comes from another contract', tx((t) => ({ ...t, logs: t.logs.map((l) => ({ ...l, address: LOOK_ALIKE })) })), 'TX_MISMATCH'],
    ['the transaction has two Sealed logs', tx((t) => ({ ...t, logs: [...t.logs, ...t.logs] })), 'TX_MISMATCH'],
    ['the Sealed log is for another root', tx((t) => ({ ...t, logs: t.logs.map((l) => ({ ...l, topics: [SEALED_TOPIC, flipHex(root), l.topics[2]] })) })), 'TX_MISMATCH'],
    ['the Sealed log announces another leaf count', tx((t) => ({ ...t, logs: t.logs.map((l) => ({ ...l, data: '0x' + '0'.repeat(63) + '9' + l.data.slice(66) })) })), 'TX_MISMATCH']
  ]
  for (const [name, input, finding] of cases) {
    it(`invalid when ${name}`, () => {
      const { verdict, finding: got } = assess(input)
      expect({ status: verdict.status, finding: got }, verdict.reason).to.deep.equal({ status: 'invalid', finding })
      expect(verdict.sealedAt).to.equal(null)
      expect(verdict.final).to.equal(false)
      expect(verdict.checks.some((c) => c.ok === false)).to.equal(true)
    })
  }

  it('a look-alike contract the user pinned by mistake is caught by its code hash', () => {
    const pinned = policyFor(trustRoot({ contract: LOOK_ALIKE }), CHAIN_ID)
    const input = { ...withDeciding((r) => ({ ...r, seal: { ...r.seal, contract: LOOK_ALIKE } })), trust: pinned }
    const fake = { ...input, chain: { ...input.chain, code: { [LOOK_ALIKE]: '0x6080604052' } } }
    expect(assess(fake).finding).to.equal('NOT_HYPERSEAL_CODE')
  })

  it('judges the receipt that would decide even when another one would verify', () => {
    const input = withDeciding((r) => ({ ...r, head: { ...r.head, signature: flipHex(r.head.signature, 30) } }))
    expect(verify(input).status).to.equal('invalid')
    expect(verify(input).receipt?.head.length).to.equal(20)
    expect(verify({ ...input, version: 25 }).status).to.equal('verified')
  })

  it('checks only the selected receipts in full (the others are screened for form and core)', () => {
    const input = { ...base(), replica: replicaOf(history, 25), receipts: [receipts[0], receipts[1], { ...receipts[2], head: { ...receipts[2].head, signature: flipHex(receipts[2].head.signature, 20) } }] }
    expect(verify(input).status).to.equal('verified')
    expect(verify({ ...input, version: 25, replica: replicaOf(history, 35) }).status).to.equal('invalid')
  })

  it('accepts a checksummed contract and mixed-case hashes in the chain evidence', () => {
    const v = chain.view()
    const upper = { ...v, blocks: { ...v.blocks, [block]: { ...v.blocks[block]!, hash: '0x' + receipts[1].seal.blockHash.slice(2).toUpperCase() } } }
    expect(verify({ ...base(), chain: upper }).status).to.equal('verified')
    expect(verify({ ...base(), trust: { ...TRUST, chain: { ...TRUST.chain, contracts: [{ address: CONTRACT, codeHash: HYPERSEAL_CODE_HASH, deployBlock: 0 }] } } }).status).to.equal('verified')
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
    ['both a local tree and remote proofs', () => verify({ ...base(), replica: { ...replicaOf(history, 35), proofs: {} } }), 'BAD_INPUT'],
    ['chain evidence without seals', () => verify({ ...base(), chain: { ...chain.view(), seals: undefined as never } }), 'BAD_INPUT'],
    ['no trust policy', () => verify({ ...base(), trust: undefined as never }), 'BAD_INPUT'],
    ['a sealedAt answer with a string block', () => verify(evidence((v) => ({ ...v, seals: { ...v.seals, [root]: { timestamp: 1, blockNumber: '2' as never } } }))), 'BAD_INPUT'],
    ['a transaction answer for another hash', () => verify(tx((t) => ({ ...t, hash: flipHex(txHash) }))), 'BAD_INPUT'],
    ['a tree hash that is not hex', () => verify({ ...base(), replica: { length: 35, fork: 0, treeHashAt: () => 'zz' } }), 'BAD_INPUT'],
    ['no sealedAt answer for the deciding root', () => verify(evidence((v) => ({ ...v, seals: {} }))), 'MISSING_ANSWER'],
    ['no answer for the deciding block', () => verify(evidence((v) => ({ ...v, blocks: {} }))), 'MISSING_ANSWER'],
    ['no answer for the deciding transaction', () => verify(evidence((v) => ({ ...v, txs: {} }))), 'MISSING_ANSWER'],
    ['no code for the trusted contract', () => verify(evidence((v) => ({ ...v, code: {} }))), 'MISSING_ANSWER'],
    ['no finalized block when the policy asks for it', () => verify({ ...base(), trust: policyFor(trustRoot({ confirmations: 'finalized' }), CHAIN_ID) }), 'MISSING_ANSWER'],
    ['no tree hash at the sealed length', () => verify({ ...base(), replica: { length: 35, fork: 0, treeHashAt: () => undefined } }), 'MISSING_ANSWER'],
    ['no remote proof at the sealed length', () => verify({ ...base(), replica: { length: 35, fork: 0, proofs: {} } }), 'MISSING_ANSWER'],
    ['no tree source at all', () => verify({ ...base(), replica: { length: 35, fork: 0 } }), 'MISSING_ANSWER']
  ]
  for (const [name, fn, code] of bad) {
    it(`${code}: ${name}`, () => expect(codeOf(fn)).to.equal(code))
  }

  it('needs no answer it did not plan for (pending, invalid list)', () => {
    expect(verify({ ...base(31), chain: chain.view({ seals: {} }), replica: { length: 5, fork: 0 } }).status).to.equal('pending')
    const strangers = { ...base(), receipts: [...receipts, ...chainOfStranger()], chain: chain.view({ seals: {} }) }
    expect(verify(strangers).status).to.equal('invalid')
  })
})

describe('verify: planVerify names what to fetch', () => {
  const [r10, r20, r30] = receipts
  it('the deciding seal and the latest seal the replica reaches: lengths, roots, blocks, transactions, contracts', () => {
    expect(planVerify({ key, version: 15, receipts, replica: { length: 35 } })).to.deep.equal({
      receipt: r20,
      lengths: [20, 30],
      seals: [{ root: r20.seal.root, contract: CONTRACT }, { root: r30.seal.root, contract: CONTRACT }],
      blockNumbers: [r20.seal.blockNumber, r30.seal.blockNumber],
      txs: [r20.seal.txHash, r30.seal.txHash],
      contracts: [CONTRACT],
      anchors: { chains: [], timestamps: [] }
    })
    expect(planVerify({ key: key.toUpperCase(), version: 30, receipts, replica: { length: 30 } }).lengths).to.deep.equal([30])
    // A replica shorter than the deciding seal: only the seal it reaches is compared.
    expect(planVerify({ key, version: 25, receipts, replica: { length: 22 } }).lengths).to.deep.equal([20])
    expect(planVerify({ key, version: 31, receipts, replica: { length: 12 } }).seals).to.deep.equal([{ root: r10.seal.root, contract: CONTRACT }])
  })

  it('nothing when nothing is sealed within reach, or a receipt is malformed', () => {
    const none = { receipt: null, lengths: [], seals: [], blockNumbers: [], txs: [], contracts: [], anchors: { chains: [], timestamps: [] } }
    expect(planVerify({ key, version: 31, receipts, replica: { length: 5 } })).to.deep.equal(none)
    expect(planVerify({ key, version: 5, receipts: [...receipts, ...chainOfStranger()] })).to.deep.equal(none)
    expect(codeOf(() => planVerify({ key, version: 0, receipts }))).to.equal('BAD_INPUT')
  })

  it('an input built from exactly the plan verifies', () => {
    const plan = planVerify({ key, version: 15, receipts, replica: { length: 35 } })
    const full = chain.view()
    const pick = <T>(all: Readonly<Record<string | number, T>>, keys: Array<string | number>): Record<string, T> => Object.fromEntries(keys.map((k) => [k, all[k]]))
    const trees = new Map(plan.lengths.map((l) => [l, history.treeAt(l).toString('hex')]))
    const verdict = verify({
      key,
      version: 15,
      receipts,
      replica: { length: 35, fork: 0, treeHashAt: (l) => trees.get(l) },
      trust: TRUST,
      chain: { ...full, seals: pick(full.seals, plan.seals.map((x) => x.root)), blocks: pick(full.blocks, plan.blockNumbers), txs: pick(full.txs, plan.txs), code: pick(full.code, plan.contracts) }
    })
    expect(verdict.status).to.equal('verified')
  })
})

describe('verify: the captured real-run receipt (test/fixtures/receipt-v1.json)', () => {
  const fixture = parseReceipt(JSON.parse(readFileSync(join(__dirname, '../fixtures/receipt-v1.json'), 'utf8')))
  const { seal, head } = fixture
  const contract = seal.contract.toLowerCase()
  const trust = policyFor(trustRoot({ contract, confirmations: 2 }), seal.chainId)
  const evidenceOf = (blockTime = seal.timestamp): ChainEvidence => ({
    chainId: seal.chainId,
    headBlock: seal.blockNumber + 5,
    code: { [contract]: CODE },
    seals: { [seal.root]: { timestamp: seal.timestamp, blockNumber: seal.blockNumber } },
    blocks: { [seal.blockNumber]: { number: seal.blockNumber, hash: seal.blockHash, timestamp: blockTime } },
    txs: { [seal.txHash]: { hash: seal.txHash, to: contract, status: 1, blockNumber: seal.blockNumber, blockHash: seal.blockHash, logs: [{ address: contract, topics: [SEALED_TOPIC, seal.root, '0x' + '0'.repeat(63) + '1'], data: '0x' + seal.leafCount.toString(16).padStart(64, '0') + '0'.repeat(64) }] } }
  })
  const input = (treeHash: string, chain = evidenceOf()): VerifyInput => ({
    key: head.key,
    version: head.length,
    receipts: [fixture],
    replica: { length: head.length, fork: head.fork, treeHashAt: (l) => (l === head.length ? treeHash : undefined) },
    chain,
    trust
  })

  it('verifies against its own seal and the sealed tree', () => {
    const verdict = verify(input(head.treeHash))
    expect(verdict).to.deep.include({ status: 'verified', final: true, sealedAt: new Date(seal.timestamp * 1000).toISOString() })
  })

  it('is a fork when the replica has another tree at length 42 on fork 0', () => {
    expect(verify(input(flipHex(head.treeHash, 63))).status).to.equal('fork')
  })

  it('is invalid when the block dates the root otherwise', () => {
    expect(verify(input(head.treeHash, evidenceOf(seal.timestamp + 1))).status).to.equal('invalid')
  })
})
