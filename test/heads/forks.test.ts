import { expect } from 'chai'
import { headFromJson, verifyHeadSignature, type Head } from '../../src/seal'
import { prefixIncident, type HeadWatcher } from '../../src/heads'
import { childWriter, codeOf, openWatcher, runCleanups, tempDir, twoWritersOneKey, waitFor, type ChildWriter } from './helpers'

async function headAt (watcher: HeadWatcher, key: string, length: number): Promise<Head> {
  return await waitFor(async () => {
    const h = await watcher.captureHead(key)
    return h.length === length ? h : null
  }, `head at length ${length}`)
}

describe('heads: rewinds, forks and lagging replicas', function () {
  this.timeout(30_000)
  afterEach(runCleanups)

  it('detects a rewind: truncated below a captured head, then different data appended', async () => {
    const writer = await childWriter()
    await writer.send('append 10')
    const { watcher, incidents } = await openWatcher()
    await watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
    const sealed = await headAt(watcher, writer.key, 10)
    expect((await watcher.checkPrefix(writer.key, sealed)).status).to.equal('ok')

    await writer.send('truncate 6')
    await writer.send('append-data x y z w v u') // length 12, fork 1
    await waitFor(() => watcher.watched()[0].fork === 1 && watcher.watched()[0].length === 12, 'replica on fork 1')

    const result = await watcher.checkPrefix(writer.key, sealed)
    expect(result.status).to.equal('rewind')
    expect(result.replica).to.include({ length: 12, fork: 1 })
    expect(result.treeHashAtSealed?.equals(sealed.treeHash)).to.equal(false)
    expect(result.observed?.fork).to.equal(1)
    const incident = prefixIncident(sealed, result)
    expect(incident?.kind).to.equal('rewind')
    expect(incident?.sealed.treeHash).to.equal(sealed.treeHash.toString('hex'))

    // The truncate event reached the sink with both signed heads.
    const seen = await waitFor(() => incidents.find((i) => i.kind === 'rewind'), 'rewind incident')
    expect(seen.key).to.equal(writer.key)
    expect(seen.sealed).to.include({ length: 10, fork: 0 })
    expect(seen.observed.fork).to.equal(1)
    expect(seen.evidence.source).to.equal('hypercore-truncate')
    expect(seen.evidence.truncatedTo).to.be.a('number').and.lessThan(10)
    expect(() => verifyHeadSignature(headFromJson(seen.sealed))).not.to.throw()
    expect(() => verifyHeadSignature(headFromJson(seen.observed))).not.to.throw()
  })

  it('says rewind when the replica is shorter on a newer fork, ok when truncated above the seal', async () => {
    const writer = await childWriter()
    await writer.send('append 10')
    const { watcher } = await openWatcher()
    await watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
    const at10 = await headAt(watcher, writer.key, 10)

    await writer.send('truncate 7')
    await writer.send('append-data p') // length 8, fork 1
    await waitFor(() => watcher.watched()[0].fork === 1 && watcher.watched()[0].length === 8, 'replica at length 8 on fork 1')
    const shorter = await watcher.checkPrefix(writer.key, at10)
    expect(shorter.status).to.equal('rewind')
    expect(shorter.replica).to.include({ length: 8, fork: 1 })
    expect(shorter.treeHashAtSealed).to.equal(undefined)

    // A seal at length 5 survives a truncate to 7: its prefix is unchanged.
    const at5 = { length: 5, fork: 0, treeHash: (await treeHashAt(writer, 5)) }
    expect((await watcher.checkPrefix(writer.key, at5)).status).to.equal('ok')
  })

  it('reports behind for a lagging replica whose peer is gone, and UPDATE_TIMEOUT for a block it cannot get', async () => {
    const storage = tempDir('hs-child-')
    const writer = await childWriter({ storage })
    await writer.send('append 5')
    const lagging = await openWatcher({ updateTimeoutMs: 400 })
    await lagging.watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
    await headAt(lagging.watcher, writer.key, 5)
    await writer.exit()

    const back = await childWriter({ storage }) // another port: the lagging watcher never finds it
    await back.send('append 4')
    const current = await openWatcher()
    await current.watcher.watch(back.key, [`127.0.0.1:${back.port}`])
    const sealed = await headAt(current.watcher, back.key, 9)

    const result = await lagging.watcher.checkPrefix(back.key, sealed)
    expect(result.status).to.equal('behind')
    expect(result.replica).to.include({ length: 5, fork: 0 })
    expect(prefixIncident(sealed, result)).to.equal(null)

    // Length 3 is within the replica, but block 2 was never downloaded and no peer has it.
    const at3 = { length: 3, fork: 0, treeHash: Buffer.alloc(32) }
    expect(await codeOf(lagging.watcher.checkPrefix(back.key, at3))).to.equal('UPDATE_TIMEOUT')
  })

  it('says fork for two histories at the same length, which Hypercore itself does not notice', async () => {
    const { w1, w2 } = await twoWritersOneKey(10)
    await w1.send('append 2')
    await w2.send('append 2')
    const h1 = await w1.send('head')
    const h2 = await w2.send('head')
    expect(h1.length).to.equal(h2.length)
    expect(h1.treeHash).not.to.equal(h2.treeHash)

    const a = await openWatcher()
    await a.watcher.watch(w1.key, [`127.0.0.1:${w1.port}`])
    const sealed = await headAt(a.watcher, w1.key, 12)
    expect(sealed.treeHash.toString('hex')).to.equal(h1.treeHash)

    // Once the replica holds the blocks it needs, meeting the other copy changes nothing: no
    // conflict, no event, and its prefix check still says "ok". (A replica that fetches one of
    // the diverging blocks from the other copy would see a bad checksum and a conflict.)
    expect((await a.watcher.checkPrefix(w1.key, sealed)).status).to.equal('ok')
    await a.watcher.watch(w1.key, [`127.0.0.1:${w2.port}`])
    await waitFor(() => a.watcher.peers().every((p) => p.connected), 'connected to both copies')
    expect((await a.watcher.checkPrefix(w1.key, sealed)).status).to.equal('ok')
    expect(a.incidents).to.deep.equal([])

    // A replica that follows the other copy: same length, same fork id, another tree.
    const b = await openWatcher()
    await b.watcher.watch(w2.key, [`127.0.0.1:${w2.port}`])
    const other = await headAt(b.watcher, w2.key, 12)
    expect(other.fork).to.equal(sealed.fork)
    expect(() => verifyHeadSignature(other)).not.to.throw() // both histories carry valid signatures
    const result = await b.watcher.checkPrefix(w2.key, sealed)
    expect(result.status).to.equal('fork')
    expect(result.treeHashAtSealed?.toString('hex')).to.equal(h2.treeHash)
    const incident = prefixIncident(sealed, result)
    expect(incident?.kind).to.equal('fork')
    expect(incident?.observed.treeHash).to.equal(h2.treeHash)
  })

  it('turns a Hypercore conflict at a longer length into a fork incident with the proof', async () => {
    const { w1, w2 } = await twoWritersOneKey(10)
    await w1.send('append 2') // 12
    await w2.send('append 5') // 15
    const h2 = await w2.send('head')

    const sinkCalls: string[] = []
    const { watcher, incidents } = await openWatcher({
      onIncident: (i) => {
        sinkCalls.push(i.kind)
        incidents.push(i)
        throw new Error('a failing sink must not break the watcher')
      }
    })
    await watcher.watch(w1.key, [`127.0.0.1:${w1.port}`])
    const sealed = await headAt(watcher, w1.key, 12)

    await watcher.watch(w1.key, [`127.0.0.1:${w2.port}`])
    const incident = await waitFor(() => incidents.find((i) => i.kind === 'fork'), 'conflict incident')
    expect(incident.key).to.equal(w1.key)
    expect(incident.sealed.treeHash).to.equal(sealed.treeHash.toString('hex'))
    expect(incident.observed).to.include({ length: 15, fork: 0, treeHash: h2.treeHash })
    expect(() => verifyHeadSignature(headFromJson(incident.observed))).not.to.throw()
    expect(incident.evidence).to.include({ source: 'hypercore-conflict', conflictLength: 12, conflictFork: 0 })
    const proof = incident.evidence.proof as { upgrade: { length: number, signature: string, nodes: Array<{ hash: string }> } }
    expect(proof.upgrade.length).to.equal(12)
    expect(proof.upgrade.signature).to.match(/^[0-9a-f]+$/)
    expect(proof.upgrade.nodes[0].hash).to.match(/^[0-9a-f]{64}$/)
    expect(incident.evidence.remoteTreeHashAtConflictLength).to.not.equal(sealed.treeHash.toString('hex'))
    expect(JSON.parse(JSON.stringify(incident))).to.deep.equal(incident) // JSON-safe

    // The core stays watched (Hypercore closed its sessions; the watcher reopened it), and
    // every later prefix check of it says fork.
    const result = await waitFor(async () => await watcher.checkPrefix(w1.key, sealed), 'prefix check after the conflict')
    expect(result.status).to.equal('fork')
    expect(result.conflictSeen).to.equal(true)
    expect(watcher.watched().map((w) => w.key)).to.deep.equal([w1.key])
    const after = await waitFor(async () => await watcher.captureHead(w1.key), 'a head from the reopened session')
    expect(() => verifyHeadSignature(after)).not.to.throw()
    expect(sinkCalls.filter((k) => k === 'fork')).to.have.length(1)
  })
})

async function treeHashAt (writer: ChildWriter, length: number): Promise<Buffer> {
  // The writer's own tree hash at an old length, computed by a throwaway watcher replica.
  const { watcher } = await openWatcher()
  await watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
  await waitFor(async () => (await watcher.captureHead(writer.key)).length >= length, 'replica long enough')
  const r = await watcher.checkPrefix(writer.key, { length, fork: 0, treeHash: Buffer.alloc(32) })
  return r.treeHashAtSealed as Buffer
}
