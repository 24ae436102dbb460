import { expect } from 'chai'
import fc from 'fast-check'
import { connect, createServer, type AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { encode as z32encode } from 'hypercore-id-encoding'
import { backoffDelay, HeadWatcher, keyHex, parseKey, parsePeer } from '../../src/heads'
import { codeOf, localWriter, onCleanup, openWatcher, runCleanups, appendN, waitFor } from './helpers'

const syncCode = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}

describe('heads: input validation', function () {
  this.timeout(20_000)
  afterEach(runCleanups)

  describe('keys', () => {
    const key = Buffer.from('5f'.repeat(32), 'hex')

    it('accepts hex (any case), canonical z-base-32 and 32-byte buffers', () => {
      expect(keyHex(key.toString('hex'))).to.equal(key.toString('hex'))
      expect(keyHex(key.toString('hex').toUpperCase())).to.equal(key.toString('hex'))
      expect(keyHex(z32encode(key))).to.equal(key.toString('hex'))
      expect(keyHex(key)).to.equal(key.toString('hex'))
    })

    it('rejects malformed keys with BAD_KEY', () => {
      const z = z32encode(key)
      const bad: unknown[] = [
        '', 'x', 'ab'.repeat(31), 'ab'.repeat(33), 'g'.repeat(64), ` ${key.toString('hex')}`, `${key.toString('hex')}\n`,
        z.slice(1), z + 'y', z.toUpperCase(), z.slice(0, 51) + 'l', // 'l' is not in the z-base-32 alphabet
        z.slice(0, 51) + 'n', // right alphabet, but non-zero padding bits: not canonical
        `pear://${z}`, Buffer.alloc(31), Buffer.alloc(33), 42, null, undefined, {}, ['ab']
      ]
      for (const input of bad) expect(syncCode(() => parseKey(input)), String(input)).to.equal('BAD_KEY')
    })

    it('round-trips every key through hex and z-base-32 (property)', () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const k = Buffer.from(bytes)
        return parseKey(k.toString('hex')).equals(k) && parseKey(z32encode(k)).equals(k)
      }), { numRuns: 500 })
    })

    it('never throws anything but BAD_KEY on arbitrary strings (property)', () => {
      fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => {
        try {
          return parseKey(s).length === 32
        } catch (err) {
          return (err as { code?: string }).code === 'BAD_KEY'
        }
      }), { numRuns: 1000 })
    })
  })

  describe('peers', () => {
    it('accepts host:port forms and normalises IPv6', () => {
      expect(parsePeer('127.0.0.1:8481')).to.deep.equal({ host: '127.0.0.1', port: 8481, address: '127.0.0.1:8481' })
      expect(parsePeer('localhost:1').address).to.equal('localhost:1')
      expect(parsePeer('writer.example.org:65535').port).to.equal(65535)
      expect(parsePeer('[::1]:8481')).to.deep.equal({ host: '::1', port: 8481, address: '[::1]:8481' })
    })

    it('rejects bad peers with BAD_PEER', () => {
      const bad: unknown[] = [
        'x', 'host:99999', ':80', '1.2.3.4:80abc', 'host:0', 'host:', 'host', '1.2.3.4', '999.1.1.1:80', '::1:80',
        '[::1]', '[zz]:80', 'a b:80', '-bad-:80', 'http://host:80', 'host:80:90', '', 12, null
      ]
      for (const input of bad) expect(syncCode(() => parsePeer(input)), String(input)).to.equal('BAD_PEER')
    })

    it('never throws anything but BAD_PEER on arbitrary strings (property)', () => {
      fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: -5, max: 70_000 }), (host, port) => {
        try {
          const p = parsePeer(`${host}:${port}`)
          return p.port >= 1 && p.port <= 65535
        } catch (err) {
          return (err as { code?: string }).code === 'BAD_PEER'
        }
      }), { numRuns: 1000 })
    })
  })

  it('backoff grows exponentially, stays capped and jittered within [d/2, d] (property)', () => {
    const opts = { baseMs: 100, maxMs: 5000 }
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
      const d = Math.min(5000, 100 * 2 ** n)
      const delay = backoffDelay(n, opts, () => r)
      return delay >= Math.floor(d / 2) && delay <= d
    }))
    expect(backoffDelay(0, opts, () => 1)).to.equal(100)
    expect(backoffDelay(3, opts, () => 1)).to.equal(800)
    expect(backoffDelay(50, opts, () => 0)).to.equal(2500)
  })

  it('answers bad watcher calls with coded errors and keeps working', async () => {
    const writer = await localWriter()
    await appendN(writer.core, 3)
    const { watcher } = await openWatcher()
    const unknown = randomBytes(32).toString('hex')
    expect(await codeOf(watcher.watch('nope', []))).to.equal('BAD_KEY')
    expect(await codeOf(watcher.watch(writer.key, ['x']))).to.equal('BAD_PEER')
    expect(await codeOf(watcher.watch(writer.key, [`127.0.0.1:${writer.port}`, 'host:99999']))).to.equal('BAD_PEER')
    expect(watcher.watched()).to.deep.equal([]) // a bad peer list changes nothing
    expect(await codeOf(watcher.captureHead(unknown))).to.equal('NOT_WATCHED')
    expect(await codeOf(watcher.checkPrefix(unknown, { length: 1, fork: 0, treeHash: Buffer.alloc(32) }))).to.equal('NOT_WATCHED')
    expect(await codeOf(watcher.unwatch(unknown))).to.equal('NOT_WATCHED')
    expect(await codeOf(watcher.captureHead('zz'))).to.equal('BAD_KEY')
    expect(syncCode(() => watcher.lastHead(unknown))).to.equal('NOT_WATCHED')

    await watcher.watch(writer.key, [`127.0.0.1:${writer.port}`])
    const head = await waitFor(async () => {
      const h = await watcher.captureHead(writer.key)
      return h.length === 3 ? h : null
    }, 'head')
    const ok = { length: 3, fork: 0, treeHash: head.treeHash }
    for (const sealed of [
      { ...ok, length: 0 }, { ...ok, length: -1 }, { ...ok, length: 1.5 }, { ...ok, length: 2 ** 60 },
      { ...ok, fork: -1 }, { ...ok, fork: NaN }, { ...ok, treeHash: Buffer.alloc(31) }, { ...ok, treeHash: 'ab' },
      { ...ok, treeHash: 'zz'.repeat(32) }
    ]) {
      expect(await codeOf(watcher.checkPrefix(writer.key, sealed)), JSON.stringify(sealed)).to.equal('BAD_LENGTH')
    }
    const again = await watcher.checkPrefix(writer.key, { ...ok, treeHash: head.treeHash.toString('hex') })
    expect(again.status).to.equal('ok')
    // Bad bootstrap lists are refused up front.
    expect(syncCode(() => new HeadWatcher(writer.store, { bootstrap: ['nope'] }))).to.equal('BAD_PEER')
  })

  it('reports LISTEN_FAILED when the replication port is taken', async () => {
    const taken = createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r))
    onCleanup(() => new Promise<void>((r) => taken.close(() => r())))
    const { watcher } = await openWatcher({ replicationPort: (taken.address() as AddressInfo).port })
    expect(await codeOf(watcher.listen())).to.equal('LISTEN_FAILED')
    const bad = await openWatcher({ replicationPort: 70_000 })
    expect(await codeOf(bad.watcher.listen())).to.equal('LISTEN_FAILED')
  })

  it('drops a silent or half-framed inbound connection after the idle timeout', async () => {
    const { watcher } = await openWatcher({ reconnect: { idleTimeoutMs: 300 } })
    const addr = await watcher.listen()
    const raw = connect(addr.port, '127.0.0.1')
    raw.on('error', () => {})
    raw.resume() // read, so the watcher's close reaches us
    const closed = new Promise<void>((r) => raw.on('close', () => r()))
    raw.write(Buffer.from([0xff, 0xff, 0x00])) // announces a 65 KiB frame that never comes
    const started = Date.now()
    await closed
    // Closed by the 300 ms idle timeout, not by anything slower (the test's own timeout is 120 s).
    expect(Date.now() - started).to.be.lessThan(30_000)
  })
})
