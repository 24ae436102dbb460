import { expect } from 'chai'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import sodium from 'sodium-native'
import { decodeMultiSignature, encodeMultiSignature, verifyHeadSignature } from '../../src/seal'
import { appendN, childWriter, codeOf, localWriter, onCleanup, openWatcher, runCleanups, waitFor } from './helpers'

describe('heads: watcher and replication over TCP', function () {
  this.timeout(30_000)
  afterEach(runCleanups)

  it('captures a verified head from a writer in another process, dialing it', async () => {
    const writer = await childWriter()
    await writer.send('append 5')
    const { watcher } = await openWatcher()
    const info = await watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
    expect(info.key).to.equal(writer.key)
    expect(info.peers).to.deep.equal([`127.0.0.1:${writer.port}`])

    const head = await waitFor(async () => {
      const h = await watcher.captureHead(writer.key)
      return h.length === 5 ? h : null
    }, 'head at length 5')
    const expected = await writer.send('head')
    expect(head.key.toString('hex')).to.equal(writer.key)
    expect(head.fork).to.equal(0)
    expect(head.treeHash.toString('hex')).to.equal(expected.treeHash)
    expect(() => verifyHeadSignature(head)).not.to.throw()
    expect(watcher.lastHead(writer.key)?.length).to.equal(5)

    await writer.send('append 3')
    const later = await waitFor(async () => {
      const h = await watcher.captureHead(writer.key)
      return h.length === 8 ? h : null
    }, 'head at length 8')
    expect(later.treeHash.toString('hex')).to.equal((await writer.send('head')).treeHash)
  })

  it('accepts a writer that dials the replication port, and stays sparse', async () => {
    const { watcher, store } = await openWatcher()
    const addr = await watcher.listen()
    expect(addr.host).to.equal('127.0.0.1')
    expect(addr.port).to.be.greaterThan(0)
    expect(await watcher.listen()).to.deep.equal(addr) // idempotent

    const writer = await childWriter()
    await writer.send('append 4')
    await watcher.watch(writer.key) // no peers: the writer pushes to us
    await writer.send(`dial 127.0.0.1:${addr.port}`)
    const head = await waitFor(async () => {
      const h = await watcher.captureHead(writer.key).catch(() => null)
      return h !== null && h.length === 4 ? h : null
    }, 'head pushed by the writer')
    expect(head.treeHash.toString('hex')).to.equal((await writer.send('head')).treeHash)

    const replica = store.get({ key: Buffer.from(writer.key, 'hex') })
    await replica.ready()
    onCleanup(() => replica.close())
    expect(replica.contiguousLength).to.equal(0)
    for (let i = 0; i < 4; i++) expect(await replica.has(i)).to.equal(false)
  })

  it('carries several cores over one connection to one peer', async () => {
    const writer = await localWriter()
    const second = writer.store.get({ name: 'second' })
    const third = writer.store.get({ name: 'third' })
    await second.ready()
    await third.ready()
    await appendN(writer.core, 2)
    await appendN(second, 3)
    await appendN(third, 4)
    let accepted = 0
    writer.server.on('connection', () => { accepted++ })

    const { watcher } = await openWatcher()
    const peer = `127.0.0.1:${writer.port}`
    await watcher.watch(writer.key, [peer])
    await watcher.watch(second.key.toString('hex'), [peer])
    await watcher.watch(third.key.toString('hex'), [peer])
    for (const [core, length] of [[writer.core, 2], [second, 3], [third, 4]] as const) {
      const head = await waitFor(async () => {
        const h = await watcher.captureHead(core.key)
        return h.length === length ? h : null
      }, `core with length ${length}`)
      expect(head.treeHash.equals(await core.treeHash())).to.equal(true)
    }
    expect(accepted).to.equal(1)
    expect(watcher.peers()).to.have.length(1)
    expect(watcher.peers()[0].keys).to.have.members([writer.key, second.key.toString('hex'), third.key.toString('hex')])
  })

  it('is idempotent and merges peers; unwatch forgets the core and its unused peers', async () => {
    const writer = await localWriter()
    await appendN(writer.core, 1)
    const { watcher } = await openWatcher()
    const z32 = (await import('hypercore-id-encoding')).encode(writer.core.key)
    await watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
    const again = await watcher.watch(z32, [`127.0.0.1:${writer.port}`, 'localhost:1'])
    expect(again.key).to.equal(writer.key)
    expect(again.peers).to.have.members([`127.0.0.1:${writer.port}`, 'localhost:1'])
    expect(watcher.watched()).to.have.length(1)
    expect(watcher.peers()).to.have.length(2)

    await watcher.unwatch(z32)
    expect(watcher.watched()).to.deep.equal([])
    expect(watcher.peers()).to.deep.equal([])
    expect(await codeOf(watcher.captureHead(writer.key))).to.equal('NOT_WATCHED')
    expect(await codeOf(watcher.unwatch(writer.key))).to.equal('NOT_WATCHED')
  })

  it('reconnects to a peer that drops and comes back, and sees the new appends', async () => {
    const storage = (await import('./helpers')).tempDir('hs-child-')
    const first = await childWriter({ storage })
    await first.send('append 3')
    const { watcher } = await openWatcher()
    await watcher.watch(first.key, [`127.0.0.1:${first.port}`])
    await waitFor(async () => (await watcher.captureHead(first.key)).length === 3, 'first head')
    await waitFor(() => watcher.peers()[0].connected, 'connected')

    await first.exit() // the peer goes away ...
    await waitFor(() => !watcher.peers()[0].connected, 'disconnect noticed')
    await waitFor(() => watcher.peers()[0].failures >= 2, 'refused reconnects')

    const back = await childWriter({ storage, port: first.port }) // ... and comes back on its port
    expect(back.key).to.equal(first.key)
    await back.send('append 2')
    const head = await waitFor(async () => {
      const h = await watcher.captureHead(first.key)
      return h.length === 5 ? h : null
    }, 'head after reconnect')
    expect(head.treeHash.toString('hex')).to.equal((await back.send('head')).treeHash)
    expect(watcher.peers()[0].connected).to.equal(true)
  })

  it('survives a peer that answers with garbage, and garbage sent to its replication port', async () => {
    let accepted = 0
    const garbage = createServer((socket) => {
      accepted++
      socket.on('error', () => {})
      socket.end(randomBytes(4096))
    })
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r))
    const sockets = new Set<Socket>()
    garbage.on('connection', (s) => sockets.add(s))
    onCleanup(() => new Promise<void>((r) => { for (const s of sockets) s.destroy(); garbage.close(() => r()) }))
    const writer = await localWriter()
    await appendN(writer.core, 2)

    const { watcher } = await openWatcher()
    const addr = await watcher.listen()
    await watcher.watch(writer.key, [`127.0.0.1:${(garbage.address() as AddressInfo).port}`, `127.0.0.1:${writer.port}`])
    await waitFor(() => accepted >= 3, 'repeated attempts to the garbage peer')

    // Garbage into our own port: a well-framed but bogus Noise handshake is rejected at once.
    // (Random bytes are sometimes a valid first handshake message: the idle timeout then ends it.)
    const raw = connect(addr.port, '127.0.0.1')
    raw.on('error', () => {})
    raw.resume() // read, so the watcher's close reaches us
    const closed = new Promise<void>((r) => raw.on('close', () => r()))
    const bogus = Buffer.from('this is not a hypercore peer, just garbage bytes 0123456789abcdef')
    raw.write(Buffer.concat([Buffer.from([bogus.length, 0, 0]), bogus]))
    await closed

    const head = await waitFor(async () => {
      const h = await watcher.captureHead(writer.key)
      return h.length === 2 ? h : null
    }, 'head from the good peer')
    expect(head.treeHash.equals(await writer.core.treeHash())).to.equal(true)
    const bad = watcher.peers().find((p) => p.address !== `127.0.0.1:${writer.port}`)
    expect(bad?.connected).to.equal(false)
  })

  it('refuses a head it cannot verify with UNVERIFIED_HEAD (a signature Hypercore tolerates and Hyperseal does not)', async () => {
    const writer = await localWriter()
    const keyPair = { publicKey: Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES), secretKey: Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES) }
    sodium.crypto_sign_keypair(keyPair.publicKey, keyPair.secretKey)
    // The writer's valid blob with a patch added: Hypercore ignores a patch on a manifest without
    // allowPatch and replicates the head; Hyperseal refuses it (docs/decisions.md).
    const manifest = { version: 1, quorum: 1, signers: [{ signature: 'ed25519', publicKey: keyPair.publicKey }] }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- named sessions and the verifier are untyped internals
    const core = writer.store.get({ manifest } as never) as any
    await core.ready()
    const unsigned = core.session({ name: 'unsigned' })
    await unsigned.append(Buffer.from('x'))
    const blob = decodeMultiSignature(core.core.verifier.sign(unsigned.state.createTreeBatch(), keyPair), 1)
    await unsigned.close()
    await core.append(Buffer.from('x'), { signature: encodeMultiSignature({ ...blob, proofs: [{ ...blob.proofs[0], patch: 1 }] }) })

    const { watcher } = await openWatcher()
    await watcher.watch(core.key, [`127.0.0.1:${writer.port}`])
    const code = await waitFor(async () => {
      const c = await codeOf(watcher.captureHead(core.key))
      return c === 'NO_HEAD' ? null : c
    }, 'the replica to receive the head')
    expect(code).to.equal('UNVERIFIED_HEAD')
    expect(watcher.lastHead(core.key)).to.equal(null)
  })

  it('reports NO_HEAD for an empty core and CLOSED after close', async () => {
    const writer = await localWriter()
    const { watcher } = await openWatcher({ updateTimeoutMs: 500 })
    await watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
    expect(await codeOf(watcher.captureHead(writer.key))).to.equal('NO_HEAD')
    await watcher.close()
    expect(await codeOf(watcher.captureHead(writer.key))).to.equal('CLOSED')
    expect(await codeOf(watcher.watch(writer.key))).to.equal('CLOSED')
    expect(await codeOf(watcher.listen())).to.equal('CLOSED')
    await watcher.close() // twice is fine
  })
})
