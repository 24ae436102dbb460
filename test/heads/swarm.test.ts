import { expect } from 'chai'
import { isIP } from 'node:net'
import createTestnet from 'hyperdht/testnet'
import Hyperswarm from 'hyperswarm'
import { verifyHeadSignature } from '../../src/seal'
import { appendN, localWriter, onCleanup, openWatcher, runCleanups, waitFor } from './helpers'

// udx-native carries every hyperdht/Hyperswarm packet. Recording the destination of each send
// (and each stream connect) lets the test prove that nothing left the loopback interface.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const UDX = require('udx-native') as { prototype: Record<string, (...args: unknown[]) => unknown> }
type Sendable = Record<string, (...args: unknown[]) => unknown>

function monitorUdx (): { hosts: Set<string>, sockets: () => number } {
  const hosts = new Set<string>()
  let sockets = 0
  const createSocket = UDX.prototype.createSocket
  const createStream = UDX.prototype.createStream
  UDX.prototype.createSocket = function (this: unknown, ...args: unknown[]) {
    sockets++
    const socket = createSocket.apply(this, args) as Sendable
    for (const fn of ['send', 'trySend']) {
      const original = socket[fn].bind(socket)
      socket[fn] = (buf: unknown, port: unknown, host: unknown, ...rest: unknown[]) => {
        hosts.add(String(host))
        return original(buf, port, host, ...rest)
      }
    }
    return socket
  }
  UDX.prototype.createStream = function (this: unknown, ...args: unknown[]) {
    const stream = createStream.apply(this, args) as Sendable
    const connect = stream.connect.bind(stream)
    stream.connect = (socket: unknown, id: unknown, port: unknown, host: unknown, ...rest: unknown[]) => {
      hosts.add(String(host))
      return connect(socket, id, port, host, ...rest)
    }
    return stream
  }
  onCleanup(() => {
    UDX.prototype.createSocket = createSocket
    UDX.prototype.createStream = createStream
  })
  return { hosts, sockets: () => sockets }
}

describe('heads: Hyperswarm discovery on a loopback testnet', function () {
  this.timeout(30_000)
  afterEach(runCleanups)

  it('finds a writer by discovery key and captures its head, contacting only 127.0.0.1', async () => {
    const udx = monitorUdx()
    const testnet = await createTestnet(3, { host: '127.0.0.1' })
    onCleanup(() => testnet.destroy())

    const writer = await localWriter()
    await appendN(writer.core, 6)
    const writerSwarm = new Hyperswarm({ dht: testnet.createNode() })
    onCleanup(() => writerSwarm.destroy())
    writerSwarm.on('connection', (conn) => {
      conn.on('error', () => {})
      writer.store.replicate(conn)
    })
    await writerSwarm.join(writer.core.discoveryKey, { server: true, client: false }).flushed()

    const bootstrap = testnet.bootstrap.map((n) => `${n.host}:${n.port}`)
    const { watcher } = await openWatcher({ bootstrap, dhtHost: '127.0.0.1' })
    await watcher.watch(writer.key) // no direct peer: only the swarm can find the writer
    const head = await waitFor(async () => {
      const h = await watcher.captureHead(writer.key).catch(() => null)
      return h !== null && h.length === 6 ? h : null
    }, 'head found through the swarm', 15_000)
    expect(head.treeHash.equals(await writer.core.treeHash())).to.equal(true)
    expect(() => verifyHeadSignature(head)).not.to.throw()
    await watcher.close()

    expect(udx.hosts.size).to.be.greaterThan(0)
    for (const host of udx.hosts) {
      expect(isIP(host), host).to.equal(4)
      expect(host.startsWith('127.'), `contacted ${host}`).to.equal(true)
    }
  })

  it('opens no DHT socket without a bootstrap list', async () => {
    const udx = monitorUdx()
    const writer = await localWriter()
    await appendN(writer.core, 1)
    const { watcher } = await openWatcher()
    await watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
    await waitFor(async () => (await watcher.captureHead(writer.key)).length === 1, 'head over TCP')
    expect(udx.sockets()).to.equal(0)
  })
})
