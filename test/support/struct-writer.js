'use strict'
// A Hyperbee or Hyperdrive writer in its own process, for the structure tests. It opens a
// Corestore at --storage, creates (or reopens) a drive (--kind drive) or a bee (--kind bee),
// listens for replication on 127.0.0.1 (any free port) and prints one JSON line
// { ready, key, port, blobs (drive only), primaryKey }. Then it reads one JSON command a line and
// answers each with one JSON line ({ ok: true, ... } or { ok: false, error }):
//   { "cmd": "put", "path": "/a.txt", "text": "…" } or { …, "bytes": n }  drive file (n bytes, seeded)
//   { "cmd": "del", "path": "/a.txt" }                                      drive entry removed
//   { "cmd": "bee-put", "key": "k", "value": "v" }, { "cmd": "bee-del", "key": "k" }
//   { "cmd": "version" }                      { version, blobsLength } (drive) or { version } (bee)
//   { "cmd": "truncate-blobs", "length": n }  the blobs core alone truncated (its fork id grows)
//   { "cmd": "truncate", "length": n }        the db/bee core truncated
//   { "cmd": "append-blobs", "blocks": n }    n seeded blocks appended to the blobs core alone (the db unchanged)
//   { "cmd": "clear-blobs", "path": "/a.txt" }, { "cmd": "clear", "index": i }  block contents cleared
//   { "cmd": "exit" } (or a bare `exit` line)
// --primary-key hex reopens a copied storage (the copied-key recipe of test/heads/helpers.ts).
const { arg, openStore, replication, serveCommands, startWriter } = require('./writer-process')
const Hyperbee = require('hyperbee')
const Hyperdrive = require('hyperdrive')

const storage = arg('storage')
const kind = arg('kind', 'drive')
const primaryKey = arg('primary-key')
const store = openStore(storage, primaryKey)
const drive = kind === 'drive' ? new Hyperdrive(store) : null
const bee = kind === 'bee' ? new Hyperbee(store.get({ name: 'bee' }), { keyEncoding: 'utf-8', valueEncoding: 'utf-8' }) : null
const db = () => (drive ? drive.core : bee.core)

const { server, close: closeReplication } = replication(store)

function seeded (n, seed) {
  const out = Buffer.alloc(n)
  let x = seed >>> 0 || 1
  for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; out[i] = x & 0xff }
  return out
}

async function state () {
  if (drive) return { version: drive.version, blobsLength: drive.blobs.core.length, blobsFork: drive.blobs.core.fork, fork: drive.core.fork }
  return { version: bee.version, fork: bee.core.fork }
}

async function run (c) {
  switch (c.cmd) {
    case 'put':
      await drive.put(c.path, c.text !== undefined ? Buffer.from(c.text) : seeded(c.bytes, c.seed ?? 7))
      return state()
    case 'del':
      await drive.del(c.path)
      return state()
    case 'bee-put':
      await bee.put(c.key, c.value)
      return state()
    case 'bee-del':
      await bee.del(c.key)
      return state()
    case 'version':
      return state()
    case 'truncate-blobs':
      await drive.blobs.core.truncate(c.length)
      return state()
    case 'append-blobs':
      for (let i = 0; i < c.blocks; i++) await drive.blobs.core.append(seeded(1024, 1000 + i))
      return state()
    case 'truncate':
      await db().truncate(c.length)
      return state()
    case 'clear-blobs': {
      const entry = await drive.entry(c.path)
      await drive.blobs.core.clear(entry.value.blob.blockOffset, entry.value.blob.blockOffset + entry.value.blob.blockLength)
      return { ...(await state()), cleared: [entry.value.blob.blockOffset, entry.value.blob.blockLength] }
    }
    case 'clear':
      await db().clear(c.index)
      return state()
    case 'exit':
      await shutdown()
      process.exit(0)
      break
    default:
      throw new Error(`unknown command ${c.cmd}`)
  }
}

async function shutdown () {
  await closeReplication()
  if (drive) await drive.close()
  if (bee) await bee.close()
  await store.close()
}

async function main () {
  if (drive) {
    await drive.ready()
  } else {
    await bee.ready()
    if (bee.core.length === 0) await bee.put('__header__', '').then(() => bee.del('__header__'))
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  process.stdout.write(JSON.stringify({
    ready: true,
    key: db().key.toString('hex'),
    blobs: drive ? drive.blobs.core.key.toString('hex') : null,
    port: server.address().port,
    primaryKey: store.primaryKey.toString('hex'),
    ...(await state())
  }) + '\n')
  serveCommands(run, shutdown)
}

startWriter(main, shutdown)
