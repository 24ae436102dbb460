import { expect } from 'chai'
import { headToJson } from '../../src/seal'
import { assess, verify, type Finding, type VerdictStatus, type VerifyInput } from '../../src/verify'
import { WRITERS } from '../seal/helpers'
import {
  GENESIS_TIME, TestChain, TRUST, headOf, incidentOf, inputOf, line, remoteOf, replicaOf, rewritten, sealedCore
} from './helpers'

const { writer, key, history, chain, receipts } = sealedCore()
const base = (version: number, replica = replicaOf(history, 35)): VerifyInput =>
  inputOf({ key, version, receipts, chain, replica })

function expectFinding (input: VerifyInput, status: VerdictStatus, finding: Finding): void {
  const { verdict, finding: got } = assess(input)
  expect({ status: verdict.status, finding: got }, verdict.reason).to.deep.equal({ status, finding })
  expect(verdict.reason).to.be.a('string').and.match(/\.$/)
}

describe('verify: statuses from the replica', () => {
  it('verified: the earliest seal covering the version matches, with its time, receipt, chain, trust and checks', () => {
    const verdict = verify(base(15))
    expect(verdict.status).to.equal('verified')
    expect(verdict.key).to.equal(key)
    expect(verdict.version).to.equal(15)
    expect(verdict.receipt).to.equal(receipts[1])
    expect(verdict.sealedAt).to.equal(new Date((GENESIS_TIME + 24) * 1000).toISOString())
    expect(verdict.final).to.equal(true)
    expect(verdict.replica).to.deep.equal({ length: 35, fork: 0, treeHash: history.treeAt(35).toString('hex') })
    expect(verdict.incidents).to.deep.equal([])
    expect(verdict.chain).to.deep.equal({ chainId: 31337, contract: receipts[1].seal.contract, embedded: false, confirmations: 2, required: 1 })
    expect(verdict.trust).to.equal(TRUST.fingerprint)
    expect(verdict.checks.map((c) => c.check)).to.deep.equal(['receipts', 'incidents', 'signature', 'inclusion', 'trust', 'contract', 'sealed', 'block', 'transaction', 'finality', 'replica'])
    expect(verdict.checks.every((c) => c.ok === true)).to.equal(true)
  })

  const table: Array<[string, () => VerifyInput, VerdictStatus, Finding, number | null]> = [
    // [name, input, status, finding, sealed length of the receipt the verdict rests on]
    ['version 1', () => base(1), 'verified', 'MATCH', 10],
    ['version = a sealed length', () => base(10), 'verified', 'MATCH', 10],
    ['version = a sealed length + 1', () => base(11), 'verified', 'MATCH', 20],
    ['version = the last sealed length', () => base(30), 'verified', 'MATCH', 30],
    ['replica length = the sealed length', () => base(30, replicaOf(history, 30)), 'verified', 'MATCH', 30],
    ['version = the last sealed length + 1', () => base(31), 'pending', 'NOT_SEALED', null],
    ['version far past every seal', () => base(1e9), 'pending', 'NOT_SEALED', null],
    ['replica length = the sealed length − 1', () => base(30, replicaOf(history, 29)), 'behind', 'REPLICA_SHORTER', 30],
    ['an empty replica', () => base(5, replicaOf(history, 0)), 'behind', 'REPLICA_SHORTER', 10],
    ['truncated below the seal (shorter, fork grew)', () => base(25, replicaOf(rewritten(history, 15, 'b', 1), 18)), 'rewind', 'TRUNCATED_BELOW_SEAL', 30],
    ['truncated below the seal, then re-appended past it', () => base(18, replicaOf(rewritten(history, 15, 'b', 1), 40)), 'rewind', 'TREE_DIFFERS_NEWER_FORK', 20],
    ['truncated above the seal (harmless)', () => base(10, replicaOf(rewritten(history, 15, 'b', 1), 40)), 'verified', 'MATCH', 10],
    ['truncated exactly at the seal', () => base(20, replicaOf(rewritten(history, 20, 'b', 1), 22)), 'verified', 'MATCH', 20],
    ['another tree at the sealed length, same fork id', () => base(8, replicaOf(rewritten(history, 5, 'c', 0), 35)), 'fork', 'TREE_DIFFERS_SAME_FORK', 10],
    // A copy longer than the last seal that conflicts with it is not merely pending.
    ['a longer copy conflicting with the last seal (same fork)', () => base(31, replicaOf(rewritten(history, 25, 'c', 0), 35)), 'fork', 'TREE_DIFFERS_SAME_FORK', 30],
    ['a longer copy rewritten below the last seal (newer fork)', () => base(31, replicaOf(rewritten(history, 25, 'c', 1), 35)), 'rewind', 'TREE_DIFFERS_NEWER_FORK', 30],
    // A replica shorter than the deciding seal that conflicts with an earlier one: fork whatever its length.
    ['a short copy conflicting with an earlier seal', () => base(25, replicaOf(rewritten(history, 15, 'c', 0), 28)), 'fork', 'TREE_DIFFERS_SAME_FORK', 20],
    ['a short copy matching the earlier seal', () => base(25, replicaOf(history, 28)), 'behind', 'REPLICA_SHORTER', 30]
  ]
  for (const [name, make, status, finding, sealedLength] of table) {
    it(`${status}: ${name}`, () => {
      const input = make()
      expectFinding(input, status, finding)
      const verdict = verify(input)
      expect(verdict.receipt?.head.length ?? null).to.equal(sealedLength)
      expect(verdict.sealedAt === null).to.equal(sealedLength === null)
      expect(verdict.reason).to.not.match(/undefined|NaN/)
    })
  }

  it('names the two different tree hashes in the reason of a divergence', () => {
    const other = rewritten(history, 5, 'c', 0)
    const verdict = verify(base(8, replicaOf(other, 35)))
    expect(verdict.reason).to.include(history.treeAt(10).toString('hex').slice(0, 16))
    expect(verdict.reason).to.include(other.treeAt(10).toString('hex').slice(0, 16))
  })

  it('rewind (stale): a replica on an older fork than the deciding seal, never "behind" forever', () => {
    const newer = rewritten(history, 5, 'd', 1)
    const c = new TestChain()
    const r = c.seal([headOf(writer, newer, 12)])
    expectFinding(inputOf({ key, version: 8, receipts: r, chain: c, replica: replicaOf(history, 35) }), 'rewind', 'STALE_REPLICA')
    // …and it still matches a seal of the newer fork below the writer's truncation point.
    const d = new TestChain()
    const below = d.seal([headOf(writer, newer, 5)])
    expectFinding(inputOf({ key, version: 5, receipts: below, chain: d, replica: replicaOf(history, 35) }), 'verified', 'MATCH')
  })

  it('final: counts the seal block as a confirmation, or the finalized tag, as the trust policy asks', () => {
    const at = (confirmations: number | 'finalized', overrides: Partial<ReturnType<TestChain['view']>> = {}): boolean =>
      verify({ ...base(5), chain: chain.view(overrides), trust: { ...TRUST, chain: { ...TRUST.chain, finality: confirmations === 'finalized' ? 'finalized' : { confirmations } } } }).final
    expect(at(3)).to.equal(true) // block 1 of head 3: 3 confirmations
    expect(at(4)).to.equal(false)
    expect(at('finalized', { finalizedBlock: 1 })).to.equal(true)
    expect(at('finalized', { finalizedBlock: 0 })).to.equal(false)
    expect(at('finalized', { finalizedBlock: null })).to.equal(false)
    // A head read before the seal's block (a race while reading): no confirmation yet.
    expect(at(1, { headBlock: 0 })).to.equal(false)
    expect(verify(base(31)).final).to.equal(false)
  })

  it('reports the replica as given; a pending verdict has no receipt, no time, no chain', () => {
    const verdict = verify(base(31, { length: 35, fork: 0, treeHashAt: (l) => history.treeAt(l).toString('hex') }))
    expect(verdict).to.deep.include({ status: 'pending', receipt: null, sealedAt: null, final: false, chain: null })
    expect(verdict.replica).to.deep.equal({ length: 35, fork: 0, treeHash: null })
  })
})

describe('verify: which receipt decides', () => {
  it('ignores the order receipts come in', () => {
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0]]) {
      const verdict = verify({ ...base(15), receipts: order.map((i) => receipts[i]) })
      expect(verdict.receipt).to.equal(receipts[1])
    }
  })

  it('takes the earliest seal in chain time, not the shortest head: a rewound seal still decides', () => {
    // Sealed at 10 (fork 0) in block 1; the writer truncated to 3 and re-appended; sealed at 8
    // and 12 (fork 1) in blocks 2 and 3.
    const c = new TestChain()
    const after = rewritten(history, 3, 'e', 1)
    const rs = [...c.seal([headOf(writer, history, 10)]), ...c.seal([headOf(writer, after, 8)]), ...c.seal([headOf(writer, after, 12)])]
    const at = (version: number): VerifyInput => inputOf({ key, version, receipts: rs, chain: c, replica: replicaOf(after, 12) })
    expectFinding(at(7), 'rewind', 'TREE_DIFFERS_NEWER_FORK')
    expect(verify(at(7)).receipt).to.equal(rs[0])
    // Past the rewound seal's length, the later seal decides.
    expectFinding(at(11), 'verified', 'MATCH')
    expect(verify(at(11)).receipt).to.equal(rs[2])
    expectFinding(at(13), 'pending', 'NOT_SEALED')
  })

  it('breaks a tie within one block by the shortest head', () => {
    const c = new TestChain()
    const rs = [...c.seal([headOf(writer, history, 20)], { block: 4 }), ...c.seal([headOf(writer, history, 12)], { block: 4 })]
    const verdict = verify(inputOf({ key, version: 11, receipts: rs, chain: c, replica: replicaOf(history, 35) }))
    expect(verdict.receipt).to.equal(rs[1])
  })
})

describe('verify: incidents and where histories part', () => {
  // Another device with the same key wrote other data from block 17 on, past 30.
  const other = rewritten(history, 17, 'w2', 0)
  const forkIncident = incidentOf('fork', writer, history, 30, other, 32, 16)
  const strangers = incidentOf('fork', WRITERS[1], line('x'), 3, line('y'), 3)

  it('fork: versions above the agreed length are fork, even when the replica matches one side', () => {
    const input = { ...base(17), incidents: [strangers, forkIncident] }
    expectFinding(input, 'fork', 'FORK_INCIDENT')
    const verdict = verify(input)
    expect(verdict.incidents).to.deep.equal([forkIncident])
    expect(verdict.receipt).to.equal(receipts[1])
    expect(verdict.reason).to.include('length 16')
    expectFinding({ ...base(31), incidents: [forkIncident] }, 'fork', 'FORK_INCIDENT')
    expect(verify({ ...base(31), incidents: [forkIncident] }).receipt).to.equal(null)
  })

  it('fork: versions at or below the agreed length stay verified, with the incident attached, on either side', () => {
    for (const replica of [replicaOf(history, 35), replicaOf(other, 32)]) {
      for (const version of [5, 10, 15, 16]) {
        const verdict = verify({ ...base(version, replica), incidents: [forkIncident] })
        expect(verdict.status, `${version}: ${verdict.reason}`).to.equal('verified')
        expect(verdict.incidents).to.deep.equal([forkIncident])
      }
    }
  })

  it('fork: an incident without an agreement proof poisons every version', () => {
    expectFinding({ ...base(1), incidents: [incidentOf('fork', writer, history, 30, other, 32)] }, 'fork', 'FORK_INCIDENT')
  })

  describe('rewind: the writer truncated the sealed history to 12 and rewrote it to 25 (fork 1)', () => {
    const after = rewritten(history, 12, 'f', 1)
    const rewind = incidentOf('rewind', writer, history, 30, after, 25, 12, receipts[2])
    const withRewind = (version: number, replica = replicaOf(history, 35)): VerifyInput => ({ ...base(version, replica), incidents: [rewind] })

    it('versions first sealed by the withdrawn history above the agreed length are rewind, for any replica', () => {
      for (const replica of [replicaOf(history, 35), replicaOf(history, 18), replicaOf(after, 25), remoteOf(writer, after, 25, [20, 25])]) {
        expectFinding(withRewind(15, replica), 'rewind', 'REWIND_INCIDENT')
        expectFinding(withRewind(13, replica), 'rewind', 'REWIND_INCIDENT')
      }
    })

    it('versions within the kept part stay verified on both histories, with the incident attached', () => {
      expectFinding(withRewind(11), 'verified', 'MATCH_KEPT_PART')
      expectFinding(withRewind(12, replicaOf(after, 25)), 'verified', 'MATCH_KEPT_PART')
      expectFinding(withRewind(5, replicaOf(after, 25)), 'verified', 'MATCH')
      expect(verify(withRewind(11)).incidents).to.deep.equal([rewind])
      expect(verify(withRewind(11)).reason).to.include('0..11')
    })

    it('a pending version: pending on the writer\'s later history, rewind (stale) on the withdrawn one', () => {
      expectFinding(withRewind(31, replicaOf(after, 25)), 'pending', 'NOT_SEALED')
      expectFinding(withRewind(31, replicaOf(history, 35)), 'rewind', 'STALE_REPLICA')
      // Once the later history is sealed, the stale replica conflicts with that seal too.
      const later = new TestChain()
      const all = [...[10, 20, 30].flatMap((l) => later.seal([headOf(writer, history, l)])), ...later.seal([headOf(writer, after, 25)])]
      const inc = incidentOf('rewind', writer, history, 30, after, 25, 12, all[2])
      expectFinding(inputOf({ key, version: 31, receipts: all, chain: later, replica: replicaOf(history, 35), incidents: [inc] }), 'rewind', 'STALE_REPLICA')
      expectFinding(inputOf({ key, version: 24, receipts: all, chain: later, replica: replicaOf(after, 25), incidents: [inc] }), 'rewind', 'REWIND_INCIDENT')
      expectFinding(inputOf({ key, version: 31, receipts: all, chain: later, replica: replicaOf(after, 25), incidents: [inc] }), 'pending', 'NOT_SEALED')
    })
  })

  describe('rewind proven at an earlier seal: truncated to 21 of 30, rewritten to 25; the seal at 20 still holds', () => {
    const after = rewritten(history, 21, 'g', 1)
    // The nodes inside the seal at 30 are gone; the seal at 20 is where both histories are proven the same.
    const viaSeal20 = incidentOf('rewind', writer, history, 30, after, 25, 20, receipts[2], 20)
    const viaRoots = incidentOf('rewind', writer, history, 30, after, 25, 16, receipts[2])
    const at = (version: number, incident = viaSeal20, replica = replicaOf(after, 25)): VerifyInput => ({ ...base(version, replica), incidents: [incident] })

    it('versions up to 20 stay verified, on the later history and on a stale copy; above it, rewind', () => {
      expectFinding(at(18), 'verified', 'MATCH')
      expectFinding(at(20), 'verified', 'MATCH')
      expectFinding(at(18, viaSeal20, replicaOf(history, 35)), 'verified', 'MATCH')
      expectFinding(at(21), 'rewind', 'REWIND_INCIDENT')
      expectFinding(at(21, viaSeal20, replicaOf(history, 35)), 'rewind', 'REWIND_INCIDENT')
      // Proven only at the root boundary 16, the seal at 20 is withdrawn too.
      expectFinding(at(18, viaRoots), 'rewind', 'REWIND_INCIDENT')
      expectFinding(at(16, viaRoots), 'verified', 'MATCH_KEPT_PART')
    })

    it('an earlier sealed head that is forged, of another core, or longer than the sealed one is not evidence', () => {
      const flip = (hex: string): string => hex.slice(0, 10) + (hex[10] === '0' ? '1' : '0') + hex.slice(11)
      const forged = { ...viaSeal20, agreed: { ...viaSeal20.agreed!, sealedHead: { ...viaSeal20.agreed!.sealedHead!, signature: flip(viaSeal20.agreed!.sealedHead!.signature) } } }
      const stranger = { ...viaSeal20, agreed: { ...viaSeal20.agreed!, sealedHead: headToJson(headOf(WRITERS[2], line('z'), 20)) } }
      const longer = incidentOf('rewind', writer, history, 30, after, 25, 20, receipts[2], 32)
      for (const incident of [forged, stranger, longer]) expectFinding(at(18, incident), 'invalid', 'BAD_INCIDENT')
    })
  })

  it('invalid: an incident of this core that is not valid evidence', () => {
    const flip = (hex: string): string => hex.slice(0, 10) + (hex[10] === '0' ? '1' : '0') + hex.slice(11)
    const badSignature = { ...forkIncident, observed: { ...forkIncident.observed, signature: flip(forkIncident.observed.signature) } }
    const sameHeads = { ...forkIncident, observed: forkIncident.sealed }
    const strangerHead = { ...forkIncident, observed: strangers.observed }
    const badKind = { ...forkIncident, kind: 'split' } as unknown as typeof forkIncident
    const badAgreement = { ...forkIncident, agreed: { ...forkIncident.agreed!, length: 20 } }
    const inflatedAgreement = incidentOf('fork', writer, history, 30, other, 32, 24)
    const rewindOnSameFork = incidentOf('rewind', writer, history, 30, other, 32, 16)
    for (const incident of [badSignature, sameHeads, strangerHead, badKind, badAgreement, inflatedAgreement, rewindOnSameFork]) {
      expectFinding({ ...base(15), incidents: [incident] }, 'invalid', 'BAD_INCIDENT')
    }
    // Other cores' incidents are not judged (nor listed).
    expectFinding({ ...base(15), incidents: [{ ...strangers, observed: strangers.sealed }] }, 'verified', 'MATCH')
  })
})
