import { expect } from 'chai'
import { childWriter, openWatcher, runCleanups, waitFor } from './helpers'

// The session model (src/heads/session-pool.ts, core-record.ts): a watched core has a session
// only while something uses it, at most `maxSessions` at once, and is closed once idle; a peer
// still reaches a closed core, and what the watcher learns then is kept in its record.
describe('heads: sessions on demand', function () {
  this.timeout(60_000)
  afterEach(runCleanups)

  it('opens a session when a core is used and closes it when idle', async () => {
    const writer = await childWriter()
    await writer.send('append 3')
    const { watcher } = await openWatcher({ sessionIdleMs: 50 })
    await watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
    // A new core is created in storage in the background, then closed again.
    await waitFor(() => watcher.sessionStats().opened >= 1 && watcher.sessionStats().open === 0, 'the first look closed')

    const opened = watcher.sessionStats().opened
    const head = await waitFor(async () => {
      const h = await watcher.captureHead(writer.key)
      return h.length === 3 ? h : null
    }, 'head at length 3')
    expect(head.length).to.equal(3)
    expect(watcher.sessionStats().opened).to.be.greaterThan(opened)
    await waitFor(() => watcher.sessionStats().open === 0, 'the session closed once idle')
    // What the watcher learnt stays in the core's record.
    expect(watcher.lastSeen(writer.key)).to.deep.equal({ length: 3, fork: 0 })
    expect(watcher.watchedCore(writer.key)).to.include({ length: 3, fork: 0 })
  })

  it('replicates a closed core when its writer dials in, and a pass then sees it changed', async () => {
    const { watcher } = await openWatcher({ sessionIdleMs: 50 })
    const { port } = await watcher.listen()
    const writer = await childWriter()
    await watcher.watch(writer.key) // no peers: the writer pushes to us
    await waitFor(() => watcher.sessionStats().opened >= 1 && watcher.sessionStats().open === 0, 'the new core created in storage and closed')
    watcher.settle(writer.key, null) // a pass looked at it: nothing to do
    expect(watcher.pending()).to.deep.equal([])
    const opened = watcher.sessionStats().opened

    await writer.send('append 4')
    await writer.send(`dial 127.0.0.1:${port}`)
    // Corestore opens the stored core for the writer; no session of ours is opened for it.
    await waitFor(() => watcher.watchedCore(writer.key)?.length === 4, 'the replica at length 4')
    expect(watcher.sessionStats().opened).to.equal(opened)
    expect(watcher.pending()).to.deep.equal([{ key: writer.key, pending: 'changed' }])
    const head = await watcher.captureHead(writer.key)
    expect(head.length).to.equal(4)
    expect(head.treeHash.toString('hex')).to.equal((await writer.send('head')).treeHash)
  })

  it('never holds more sessions open than its bound, and every caller gets its turn', async () => {
    const writers = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => {
      const w = await childWriter({ label: `w${i}` })
      await w.send(`append ${i + 1}`)
      return w
    }))
    const { watcher } = await openWatcher({ maxSessions: 2, sessionIdleMs: 10_000 })
    for (const w of writers) await watcher.watch(w.key, [`127.0.0.1:${w.port}`])
    const heads = await Promise.all(writers.map(async (w, i) => await waitFor(async () => {
      const h = await watcher.captureHead(w.key)
      return h.length === i + 1 ? h : null
    }, `head of writer ${i}`)))
    expect(heads.map((h) => h.length)).to.deep.equal([1, 2, 3, 4, 5, 6])
    const stats = watcher.sessionStats()
    expect(stats.highWater).to.be.at.most(2)
    expect(stats.open).to.be.at.most(2)
    expect(stats.waiting).to.equal(0)
  })
})
