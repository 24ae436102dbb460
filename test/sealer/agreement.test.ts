/**
 * Every incident carries `agreed`: the longest length at which both signed histories are
 * proven to hold the same tree, checked by `checkAgreement`. From what the service holds: the
 * roots kept with a sealed head's receipt (they prove the lengths their first roots span: for
 * a seal at 10, the roots [0-7] and [8-9] prove 8 and 10) and the other history's own nodes.
 *
 * A writer sealed at 10 goes offline and rewinds while away (truncate, then append to 12),
 * then pushes to the service: no peer holds the old history any more, and the rewind is still
 * recorded, with where it parts. A copied key serving another history at the same length (a
 * split view) is a fork, with where the copies part.
 */
import { expect } from 'chai'
import { checkAgreement, type Incident } from '../../src/seal'
import { childWriter, runCleanups, twoWritersOneKey, waitFor } from '../heads/helpers'
import { openService, replicaAt, replicationAddress } from './helpers'

function expectProven (incident: Incident): number {
  expect(incident.agreed, 'the incident carries agreed').to.not.equal(undefined)
  const check = checkAgreement(incident.agreed, incident.sealed, incident.observed)
  expect(check.ok, check.ok ? '' : check.reason).to.equal(true)
  return incident.agreed!.length
}

describe('seal pass: where rewound and forked histories part', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  for (const [truncateTo, agreed] of [[8, 8], [3, 0], [0, 0]] as const) {
    it(`records a rewind made while away (sealed 10, truncated to ${truncateTo}, grown to 12) with agreed.length ${agreed}`, async () => {
      const { service } = await openService()
      const first = await childWriter()
      await first.send('append 10')
      await service.watchCore(first.key, [`127.0.0.1:${first.port}`])
      await replicaAt(service, first.key, 10)
      const sealed = await service.sealNow()
      expect(sealed.batch?.heads.find((h) => h.key === first.key)?.length).to.equal(10)
      await first.exit()

      // Offline: the service reaches no peer; the writer rewinds, then pushes its new history.
      const back = await childWriter({ storage: first.storage, label: 'rewritten' })
      await back.send(`truncate ${truncateTo}`)
      await back.send(`append ${12 - truncateTo}`)
      await back.send(`dial ${await replicationAddress(service)}`)
      await replicaAt(service, first.key, 12, 1)

      const pass = await service.sealNow()
      const rewind = pass.incidents.find((i) => i.key === first.key)
      expect(rewind?.kind).to.equal('rewind')
      expect(rewind!.sealed).to.include({ length: 10, fork: 0 })
      expect(rewind!.observed).to.include({ length: 12, fork: 1 })
      expect(rewind!.sealedIn?.root).to.equal(sealed.batch!.root)
      expect(expectProven(rewind!)).to.equal(agreed)
      expect((await service.listIncidents({ key: first.key })).map((i) => i.agreed?.length)).to.deep.equal([agreed])
    })
  }

  it('records a split view (two copies of one key at the same length) as a fork, with where the copies part', async () => {
    const { w1, w2 } = await twoWritersOneKey(8)
    await w1.send('append 4')
    await w2.send('append 4')
    const { service } = await openService()
    await service.watchCore(w1.key, [`127.0.0.1:${w1.port}`, `127.0.0.1:${w2.port}`])
    await replicaAt(service, w1.key, 12)
    // Whichever copy the replica follows, the other is a peer signing another tree at 12. (If the
    // replica fetches a block from the other copy, Hypercore's own conflict proof finds it first:
    // the same pair of heads, the same incident.)
    const forks = await waitFor(async () => {
      await service.sealNow().catch(() => null)
      const found = await service.listIncidents({ key: w1.key })
      return found.length > 0 ? found : null
    }, 'the fork recorded', 60_000)
    expect(forks).to.have.length(1)
    expect(forks[0].kind).to.equal('fork')
    expect([forks[0].sealed.length, forks[0].observed.length]).to.deep.equal([12, 12])
    expect(forks[0].sealed.treeHash).to.not.equal(forks[0].observed.treeHash)
    expect(expectProven(forks[0])).to.equal(8)
  })
})
