/**
 * One incident per fork, whichever path detects it and however often: a copied key serving a
 * longer conflicting history is met again by every restart of the service (Hypercore forgets
 * its conflict proofs and finds them anew). Three restarts: the incidents and
 * `hyperseal_incidents_total` are unchanged. The receipts log's own head is sealed once after
 * the incident was written, then never for nothing.
 */
import { expect } from 'chai'
import { checkAgreement } from '../../src/seal'
import type { Logger } from '../../src/util'
import { runCleanups, tempDir, twoWritersOneKey, waitFor } from '../heads/helpers'
import { openService, replicaAt } from './helpers'

/** A logger that keeps the messages it was given. */
function recordingLogger (): Logger & { messages: string[] } {
  const messages: string[] = []
  const keep = (_obj: object, msg: string): void => { messages.push(msg) }
  return { messages, debug: keep, info: keep, warn: keep, error: keep }
}

async function incidentsMetric (service: { registry: { getSingleMetricAsString: (name: string) => Promise<string> } }): Promise<number> {
  const text = await service.registry.getSingleMetricAsString('hyperseal_incidents_total')
  return text.split('\n').filter((l) => l.startsWith('hyperseal_incidents_total{')).reduce((n, l) => n + Number(l.split(' ').pop()), 0)
}

describe('incidents: exactly once, across paths and restarts', function () {
  this.timeout(240_000)
  afterEach(runCleanups)

  it('keeps one fork incident and one count through three restarts that meet the fork again', async () => {
    const { w1, w2 } = await twoWritersOneKey(10)
    await w1.send('append 2') // 12
    await w2.send('append 5') // 15, the same key, another history from block 10 on
    const dataDir = tempDir('hs-once-')
    let { service } = await openService({ dataDir })
    await service.watchCore(w1.key, [`127.0.0.1:${w1.port}`])
    await replicaAt(service, w1.key, 12)
    await service.sealNow()
    await service.watchCore(w1.key, [`127.0.0.1:${w2.port}`])
    const [fork] = await waitFor(async () => {
      const found = await service.listIncidents({ key: w1.key })
      return found.length > 0 ? found : null
    }, 'the conflict recorded', 30_000)
    expect(fork.kind).to.equal('fork')
    expect(fork.evidence.source).to.equal('hypercore-conflict')
    expect(checkAgreement(fork.agreed, fork.sealed, fork.observed).ok).to.equal(true)
    expect(fork.agreed?.length).to.equal(8) // the roots of 12 are [0-7] and [8-11]; blocks 10, 11 differ
    expect(fork.sealedIn).to.not.equal(undefined)
    // Counted once the write is durable, a moment after readers can see it.
    await waitFor(async () => await incidentsMetric(service) === 1, 'the incident counted')

    // The incident changed the log: its head is sealed alone, once; then nothing is sealed.
    const logKey = service.info().receiptsLog
    const own = await waitFor(async () => (await service.sealNow().catch(() => null))?.batch ?? null, 'the log sealed after the incident', 30_000)
    expect(own.heads.map((h) => h.key)).to.deep.equal([logKey])
    expect((await service.sealNow()).batch).to.equal(null)

    for (let restart = 1; restart <= 3; restart++) {
      await service.close()
      const logger = recordingLogger()
      service = (await openService({ dataDir, logger })).service
      await waitFor(() => logger.messages.includes('incident already recorded'), `the fork met again after restart ${restart}`, 30_000)
      await service.sealNow().catch(() => null)
      const incidents = await service.listIncidents({})
      expect(incidents, `after restart ${restart}`).to.have.length(1)
      expect(incidents[0].detectedAt).to.equal(fork.detectedAt)
      expect(await incidentsMetric(service), `metric after restart ${restart}`).to.equal(1)
    }
  })
})
