import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import fc from 'fast-check'
import { openDataDir, ReceiptsLog, type DataDir } from '../../src/ledger'
import type { Migration } from '../../src/seal'
import { carriesQuorum, type SignerSet } from '../../src/structures'
import { expectCode, HeadSource, TempDirs } from '../ledger/helpers'

const hex32 = (): string => randomBytes(32).toString('hex')

const key = (n: number): Buffer => Buffer.alloc(32, n)
const signers = (ns: number[]): Array<{ publicKey: Buffer }> => ns.map((n) => ({ publicKey: key(n) }))
const set = (ns: number[], quorum: number): SignerSet => ({ quorum, signers: signers(ns) })

describe('Autobase migrations: the signer rule and the migration record', function () {
  describe('carriesQuorum: a new system core\'s signers carry the old quorum over', () => {
    it('accepts what Autobase does when an indexer is added or removed', () => {
      expect(carriesQuorum(set([1, 2], 2), set([1, 2, 3], 2))).to.equal(null)
      expect(carriesQuorum(set([1, 2, 3], 2), set([1, 2], 2))).to.equal(null)
      expect(carriesQuorum(set([1], 1), set([1, 2], 2))).to.equal(null)
    })

    it('refuses signers that leave the old quorum behind, or new signers who could sign alone', () => {
      expect(carriesQuorum(set([1, 2], 2), set([9], 1))).to.match(/fewer than the old quorum/)
      expect(carriesQuorum(set([1, 2, 3], 2), set([1, 8, 9], 2))).to.match(/fewer than the old quorum/)
      expect(carriesQuorum(set([1, 2], 2), set([1, 2, 9], 1))).to.match(/could sign alone/)
    })

    it('whenever it accepts, every quorum of the new signers holds an old signer', () => {
      const ids = fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 })
      fc.assert(fc.property(ids, ids, fc.nat(), fc.nat(), (old, next, q1, q2) => {
        const oldQ = 1 + (q1 % old.length)
        const newQ = 1 + (q2 % next.length)
        if (carriesQuorum(set(old, oldQ), set(next, newQ)) !== null) return
        const outsiders = next.filter((n) => !old.includes(n))
        expect(outsiders.length).to.be.lessThan(newQ)
        expect(next.filter((n) => old.includes(n)).length).to.be.at.least(oldQ)
      }), { numRuns: 2000 })
    })
  })

  describe('the migration record in the receipts log', () => {
    const dirs = new TempDirs()
    let dataDir: DataDir
    let log: ReceiptsLog
    let system: HeadSource

    beforeEach(async () => {
      dataDir = await openDataDir(dirs.make())
      log = await ReceiptsLog.open(dataDir.store)
      system = await HeadSource.create(dataDir.store, 'new-system')
    })

    afterEach(async () => {
      await log.close()
      await dataDir.close()
      dirs.cleanup()
    })

    async function migration (): Promise<Migration> {
      const head = await system.at(5)
      return {
        key: hex32(),
        kind: 'migration',
        detectedAt: '2026-11-30T12:00:00.000Z',
        system: head,
        info: { systemLength: 5, indexers: [hex32(), hex32()], views: [{ key: hex32(), length: 3 }] },
        moved: [
          { role: 'system', from: hex32(), to: head.key, length: 4, treeHash: hex32(), prologue: { length: 4, hash: hex32() } },
          { role: 'view', view: 0, from: hex32(), to: hex32(), length: 2, treeHash: hex32(), prologue: { length: 2, hash: hex32() } }
        ]
      }
    }

    it('is recorded once per pair of system keys, whenever it is seen again', async () => {
      const m = await migration()
      expect((await log.appendMigration(m)).created).to.equal(true)
      expect((await log.appendMigration({ ...m, detectedAt: '2026-12-01T00:00:00.000Z' })).created).to.equal(false)
      expect(await log.listMigrations(m.key)).to.deep.equal([m])
      expect(await log.listMigrations(hex32())).to.deep.equal([])
    })

    it('refuses a record whose system move is not the signed head\'s key, or is malformed', async () => {
      const m = await migration()
      await expectCode(log.appendMigration({ ...m, moved: [{ ...m.moved[0], to: hex32() }, m.moved[1]] }), 'BAD_INPUT')
      await expectCode(log.appendMigration({ ...m, moved: [m.moved[1]] }), 'BAD_INPUT')
      await expectCode(log.appendMigration({ ...m, info: { ...m.info, systemLength: 6 } }), 'BAD_INPUT')
      await expectCode(log.appendMigration({ ...m, moved: [m.moved[0], { ...m.moved[1], view: undefined }] } as never), 'BAD_INPUT')
      await expectCode(log.appendMigration({ ...m, kind: 'rewind' } as never), 'BAD_INPUT')
      expect(await log.listMigrations(m.key)).to.deep.equal([])
    })
  })
})
