import { expect } from 'chai'
import fc from 'fast-check'
import { lasting } from '../../src/service/verdict-cache'
import { composeStructure, type PartVerdictInput, type Verdict, type VerdictStatus } from '../../src/verify'

const DB = 'aa'.repeat(32)
const BLOBS = 'bb'.repeat(32)
const EARLY = '2026-11-01T00:00:00.000Z'
const LATE = '2026-11-02T00:00:00.000Z'

function part (key: string, version: number, status: VerdictStatus, sealedAt: string | null, final: boolean): Verdict {
  return {
    key, version, status, sealedAt, final, receipt: null,
    replica: { length: version, fork: 0, treeHash: null }, incidents: [], reason: `${status} reason of ${key.slice(0, 4)}`,
    chain: null, trust: 'cd'.repeat(32), checks: [{ check: 'signature', ok: status === 'verified', detail: 'd' }]
  }
}

const drive = (db: Verdict, blobs: Verdict | null, note?: string): ReturnType<typeof composeStructure> => {
  const inputs: PartVerdictInput[] = [{ role: 'db', key: DB, version: db.version, verdict: db }, { role: 'blobs', key: BLOBS, version: blobs?.version ?? 0, verdict: blobs, note }]
  return composeStructure('hyperdrive', DB, db.version, inputs)
}

describe('src/verify composeStructure: a structure verdict from its parts (pure)', () => {
  it('verified only when every part is, sealed at the later part\'s time, final only when all are', () => {
    const v = drive(part(DB, 4, 'verified', EARLY, true), part(BLOBS, 3, 'verified', LATE, false))
    expect(v.status).to.equal('verified')
    expect(v.kind).to.equal('hyperdrive')
    expect(v.key).to.equal(DB)
    expect(v.version).to.equal(4)
    expect(v.sealedAt).to.equal(LATE)
    expect(v.final).to.equal(false)
    expect(v.parts.map((p) => [p.role, p.key, p.version])).to.deep.equal([['db', DB, 4], ['blobs', BLOBS, 3]])
    expect(v.checks.map((c) => c.detail)).to.deep.equal(['db: d', 'blobs: d'])
    expect(drive(part(DB, 4, 'verified', LATE, true), part(BLOBS, 3, 'verified', EARLY, true)).final).to.equal(true)
  })

  it('a rewind or fork of either part is the structure\'s, naming the part', () => {
    const blobsRewound = drive(part(DB, 4, 'verified', EARLY, true), part(BLOBS, 3, 'rewind', EARLY, true))
    expect(blobsRewound.status).to.equal('rewind')
    expect(blobsRewound.reason).to.match(/the blobs \(bbbb.* is rewind: rewind reason of bbbb/)
    expect(blobsRewound.reason).not.to.match(/the db/)
    const dbForked = drive(part(DB, 4, 'fork', EARLY, true), part(BLOBS, 3, 'verified', EARLY, true))
    expect(dbForked.status).to.equal('fork')
    expect(dbForked.reason).to.match(/the db \(aaaa/)
  })

  it('the worst part decides, whatever the order (property)', () => {
    const order: VerdictStatus[] = ['invalid', 'fork', 'rewind', 'pending', 'behind', 'verified']
    const status = fc.constantFrom<VerdictStatus>(...order)
    fc.assert(fc.property(status, status, (a, b) => {
      const v = drive(part(DB, 2, a, a === 'pending' ? null : EARLY, true), part(BLOBS, 1, b, b === 'pending' ? null : EARLY, true))
      return v.status === order[Math.min(order.indexOf(a), order.indexOf(b))] && (v.sealedAt === null) === (a === 'pending' || b === 'pending')
    }))
  })

  it('a version with no blob: the db alone decides, the note says why', () => {
    const v = drive(part(DB, 1, 'verified', EARLY, true), null, 'version 1 references no blob')
    expect(v.status).to.equal('verified')
    expect(v.parts).to.have.length(1)
    expect(v.reason).to.contain('blobs: version 1 references no blob')
    expect(() => composeStructure('hyperbee', DB, 1, [])).to.throw(TypeError)
  })

  it('the verdict cache keeps a structure verdict only when every part\'s is lasting', () => {
    expect(lasting(drive(part(DB, 4, 'verified', EARLY, true), part(BLOBS, 3, 'verified', LATE, true)))).to.equal(true)
    // One part unsealed leaves the structure's sealedAt null, while the db's seal is not final yet.
    const mixed = drive(part(DB, 4, 'verified', EARLY, false), part(BLOBS, 3, 'pending', null, false))
    expect(mixed.sealedAt).to.equal(null)
    expect(lasting(mixed)).to.equal(false)
    expect(lasting(drive(part(DB, 4, 'pending', null, false), part(BLOBS, 3, 'pending', null, false)))).to.equal(true)
  })
})
