import { expect } from 'chai'
import { FAULT_POINTS } from '../../src/sealer'
import { appendN, localWriter, runCleanups, tempDir } from '../heads/helpers'
import { childReplicaAt, sealCount, startServiceChild, type ServiceChild } from './helpers'
import { crashTrial } from './trial'

interface Receipt { length: number, root: string }
interface Batch { root: string, leafCount: number }

/**
 * After a crash and a restart: the writer's head has exactly one receipt, every root sealed on
 * chain is a batch of the log (none lost, none sealed twice), and a new pass seals nothing.
 */
async function checkInvariants (service: ServiceChild, key: string, length: number): Promise<void> {
  const receipts = await service.send(`receipts ${key}`) as Receipt[]
  expect(receipts.filter((r) => r.length === length), 'one receipt for the head').to.have.length(1)
  const batches = await service.send('batches') as Batch[]
  expect(new Set(batches.map((b) => b.root)).size).to.equal(batches.length)
  expect(await sealCount(service.ready.rpc, service.ready.contract), 'roots on chain = batches in the log').to.equal(batches.length)
  const again = await service.send('seal') as { batch: unknown, skipped: Array<{ key: string }> }
  expect(again.batch).to.equal(null)
}

describe('crash recovery (service in a child process, SIGKILL)', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  for (const point of FAULT_POINTS) {
    it(`a crash ${point} loses nothing and seals nothing twice`, async () => {
      const dataDir = tempDir('hs-crash-')
      const writer = await localWriter()
      await appendN(writer.core, 5)

      const doomed = await startServiceChild(dataDir, point)
      await doomed.send(`watch ${writer.key} 127.0.0.1:${writer.port}`)
      await childReplicaAt(doomed, writer.key, 5)
      const answer = await doomed.send('seal')
      expect(answer, 'the process died at the fault point').to.equal(null)
      expect((await doomed.exited).signal).to.equal('SIGKILL')

      const service = await startServiceChild(dataDir)
      expect(service.ready.recovered).to.equal(true)
      await checkInvariants(service, writer.key, 5)
      await service.send('exit')
      await service.exited
    })
  }

  it('survives kills at random moments of passes', async () => {
    const dataDir = tempDir('hs-crash-random-')
    const writer = await localWriter()
    await appendN(writer.core, 2)
    const acked: number[] = []
    for (let trial = 0; trial < 3; trial++) {
      const outcome = await crashTrial(dataDir, writer, 'random', acked, trial === 0)
      expect(outcome.lost, 'acknowledged heads without a receipt').to.deep.equal([])
      expect(outcome.duplicated, 'heads with two receipts').to.deep.equal([])
      expect(outcome.orphanRoots, 'roots on chain that no batch of the log holds').to.equal(0)
      expect(outcome.unverified, 'receipts that do not verify').to.equal(0)
    }
    expect(acked.length).to.be.greaterThan(0)
  })
})
