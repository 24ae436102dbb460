import { expect } from 'chai'
import Corestore from 'corestore'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { openRemoteReplica, parsePeer } from '../../src/heads'
import { verifyPrefixProof } from '../../src/verify'
import { onCleanup, runCleanups, tempDir } from '../heads/helpers'

/** A writer core of `blocks` 32-byte blocks, served over TCP; counts the bytes it sends. */
async function servedWriter (blocks: number): Promise<{ key: Buffer, manifest: Buffer, port: number, sent: () => number, treeHash: (n: number) => Promise<Buffer> }> {
  const store = new Corestore(tempDir('hs-big-'))
  onCleanup(() => store.close())
  const core = store.get({ name: 'big' })
  await core.ready()
  for (let i = 0; i < blocks; i += 1000) {
    await core.append(Array.from({ length: Math.min(1000, blocks - i) }, (_, j) => Buffer.alloc(32, (i + j) % 251)))
  }
  let sent = 0
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    const write = socket.write.bind(socket) as (chunk: Buffer, ...rest: unknown[]) => boolean
    socket.write = ((chunk: Buffer, ...rest: unknown[]) => { sent += chunk.byteLength; return write(chunk, ...rest) }) as typeof socket.write
    const s = store.replicate(false)
    s.on('error', () => {})
    socket.on('error', () => {})
    s.pipe(socket).pipe(s)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  onCleanup(async () => { for (const s of sockets) s.destroy(); await new Promise<void>((r) => server.close(() => r())) })
  return {
    key: core.key,
    manifest: core.getManifest({ raw: true }) as unknown as Buffer,
    port: (server.address() as AddressInfo).port,
    sent: () => sent,
    treeHash: (n) => core.treeHash(n)
  }
}

describe('independent verification from a sparse remote replica', function () {
  this.timeout(120_000)
  afterEach(runCleanups)

  it('checks one old version of a 100,000-block core with O(log n) bytes fetched', async () => {
    const writer = await servedWriter(100_000)
    const sealedLength = 40_000
    const before = writer.sent()
    const replica = await openRemoteReplica([parsePeer(`127.0.0.1:${writer.port}`)], writer.key, 10_000)
    onCleanup(() => replica.close())
    const view = await replica.view([sealedLength])
    const fetched = writer.sent() - before
    expect(view.length).to.equal(100_000)
    expect(view.proofs?.[sealedLength], 'an upgrade proof for the sealed length').to.not.equal(undefined)
    const check = verifyPrefixProof({
      key: writer.key.toString('hex'),
      manifest: writer.manifest.toString('hex'),
      sealedLength,
      sealedTreeHash: (await writer.treeHash(sealedLength)).toString('hex'),
      proof: view.proofs![sealedLength]
    })
    expect(check.ok, JSON.stringify(check)).to.equal(true)
    // The whole core is 3.2 MB of blocks plus ~8 MB of tree nodes; a head, one block and its
    // Merkle path (~17 nodes of 40 bytes) plus the handshake is a few KB.
    expect(fetched, `${fetched} bytes fetched`).to.be.below(16 * 1024)
  })
})
