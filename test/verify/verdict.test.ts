import { expect } from 'chai'
import { assess, verify, type Finding, type VerdictStatus, type VerifyInput } from '../../src/verify'
import { WRITERS } from '../seal/helpers'
import {
  GENESIS_TIME, TestChain, headOf, incidentOf, inputOf, line, replicaOf, rewritten, sealedCore
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
  it('verified: the earliest seal covering the version matches, with its time, receipt and replica head', () => {
    const verdict = verify(base(15))
    expect(verdict.status).to.equal('verified')
    expect(verdict.key).to.equal(key)
    expect(verdict.version).to.equal(15)
    expect(verdict.receipt).to.equal(receipts[1])
    expect(verdict.sealedAt).to.equal(new Date((GENESIS_TIME + 24) * 1000).toISOString())
    expect(verdict.final).to.equal(true)
    expect(verdict.replica).to.deep.equal({ length: 35, fork: 0, treeHash: history.treeAt(35).toString('hex') })
    expect(verdict.incidents).to.deep.equal([])
  })

  const table: Array<[string, () => VerifyInput, VerdictStatus, Finding, number | null]> = [
    // [name, input, status, finding, sealed length of the deciding receipt]
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
    ['another tree at the sealed length, same fork id', () => base(8, replicaOf(rewritten(history, 5, 'c', 0), 35)), 'fork', 'TREE_DIFFERS_SAME_FORK', 10]
  ]
  for (const [name, make, status, finding, sealedLength] of table) {
    it(`${status}: ${name}`, () => {
      const input = make()
      expectFinding(input, status, finding)
      const verdict = verify(input)
      expect(verdict.receipt?.head.length ?? null).to.equal(sealedLength)
      expect(verdict.sealedAt === null).to.equal(sealedLength === null)
    })
  }

  it('behind: the replica holds a fork the writer has since truncated (older fork id)', () => {
    const newer = rewritten(history, 5, 'd', 1)
    const c = new TestChain()
    const r = c.seal([headOf(writer, newer, 12)])
    expectFinding(inputOf({ key, version: 8, receipts: r, chain: c, replica: replicaOf(history, 35) }), 'behind', 'REPLICA_ON_OLDER_FORK')
    // …and it still matches a seal of the newer fork below the writer's truncation point.
    const d = new TestChain()
    const below = d.seal([headOf(writer, newer, 5)])
    expectFinding(inputOf({ key, version: 5, receipts: below, chain: d, replica: replicaOf(history, 35) }), 'verified', 'MATCH')
  })

  it('final: counts the seal block as a confirmation, or the finalized tag', () => {
    const at = (overrides: Partial<ReturnType<TestChain['view']>>): boolean => verify({ ...base(5), chain: chain.view(overrides) }).final
    expect(at({ confirmationsRequired: 3 })).to.equal(true) // block 1 of head 3: 3 confirmations
    expect(at({ confirmationsRequired: 4 })).to.equal(false)
    expect(at({ confirmationsRequired: 4, finalizedBlock: 1 })).to.equal(true)
    expect(at({ confirmationsRequired: 4, finalizedBlock: 0 })).to.equal(false)
    // A head read before the seal's block (a race while reading): no confirmation yet.
    expect(at({ headBlock: 0 })).to.equal(false)
    expect(verify(base(31)).final).to.equal(false)
  })

  it('reports the replica as given; a pending verdict has no receipt and no time', () => {
    const verdict = verify(base(31, { length: 35, fork: 0 }))
    expect(verdict).to.deep.include({ status: 'pending', receipt: null, sealedAt: null, final: false })
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

describe('verify: incidents', () => {
  const other = rewritten(history, 4, 'w2', 0)
  const forkIncident = incidentOf('fork', headOf(writer, history, 30), headOf(writer, other, 32))
  const strangers = incidentOf('fork', headOf(WRITERS[1], line('x'), 3), headOf(WRITERS[1], line('y'), 3))

  it('fork: a recorded fork of this core decides even when the replica matches one side', () => {
    const input = { ...base(15), incidents: [strangers, forkIncident] }
    expectFinding(input, 'fork', 'FORK_INCIDENT')
    const verdict = verify(input)
    expect(verdict.incidents).to.deep.equal([forkIncident])
    expect(verdict.receipt).to.equal(receipts[1])
    expect(verdict.sealedAt).to.not.equal(null)
  })

  it('fork: also for a version not sealed yet, and for the other side\'s replica', () => {
    expectFinding({ ...base(31), incidents: [forkIncident] }, 'fork', 'FORK_INCIDENT')
    expect(verify({ ...base(31), incidents: [forkIncident] }).receipt).to.equal(null)
    expectFinding({ ...base(15, replicaOf(other, 32)), incidents: [forkIncident] }, 'fork', 'FORK_INCIDENT')
  })

  it('rewind: a rewind incident whose sealed head decides, even for a stale replica that still matches', () => {
    const after = rewritten(history, 12, 'f', 1)
    const rewind = incidentOf('rewind', headOf(writer, history, 20), headOf(writer, after, 25))
    expectFinding({ ...base(15), incidents: [rewind] }, 'rewind', 'REWIND_INCIDENT')
    // A replica that stopped short of the seal would wait forever: the incident says why.
    expectFinding({ ...base(15, replicaOf(history, 18)), incidents: [rewind] }, 'rewind', 'REWIND_INCIDENT')
    // The replica that followed the writer shows the rewind by itself.
    expectFinding({ ...base(15, replicaOf(after, 25)), incidents: [rewind] }, 'rewind', 'TREE_DIFFERS_NEWER_FORK')
    // Other seals are judged on the replica; the incident is listed.
    const verdict = verify({ ...base(5), incidents: [rewind] })
    expect(verdict.status).to.equal('verified')
    expect(verdict.incidents).to.deep.equal([rewind])
    expect(verify({ ...base(31), incidents: [rewind] }).status).to.equal('pending')
  })

  it('invalid: an incident of this core that is not valid evidence', () => {
    const flip = (hex: string): string => hex.slice(0, 10) + (hex[10] === '0' ? '1' : '0') + hex.slice(11)
    const badSignature = { ...forkIncident, observed: { ...forkIncident.observed, signature: flip(forkIncident.observed.signature) } }
    const sameHeads = { ...forkIncident, observed: forkIncident.sealed }
    const strangerHead = { ...forkIncident, observed: strangers.observed }
    const badKind = { ...forkIncident, kind: 'split' } as unknown as typeof forkIncident
    for (const incident of [badSignature, sameHeads, strangerHead, badKind]) {
      expectFinding({ ...base(15), incidents: [incident] }, 'invalid', 'BAD_INCIDENT')
    }
    // Other cores' incidents are not judged (nor listed).
    expectFinding({ ...base(15), incidents: [{ ...strangers, observed: strangers.sealed }] }, 'verified', 'MATCH')
  })
})
