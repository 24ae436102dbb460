'use strict'
// An Autobase writer in its own process, for test/structures/autobase.test.ts. It opens a
// Corestore at --storage and an Autobase (a new one, or --bootstrap <key> to join one) whose
// application keeps one view, `messages`, of every text and makes an indexer of every `add`;
// it listens for replication on 127.0.0.1 (any free port) and prints one JSON line
// { ready, key (the Autobase key), local (this writer's oplog key), port, primaryKey }. Then it
// reads one JSON command a line and answers each with one JSON line ({ ok: true, ... } or { ok: false, error }):
//   { "cmd": "dial", "port": p }          replicate with another writer on 127.0.0.1:p
//   { "cmd": "append", "text": "…" }       a message; { "cmd": "add", "key": hex } an indexer added
//   { "cmd": "sync" }                      update and ack (an indexer signs what it indexed); answers `state`;
//                                          with "tick": true an indexer also appends a message the view ignores:
//                                          its oplog then carries its latest checkpoint, so signing moves on
//   { "cmd": "state" }                     { system, systemSigned, view, viewSigned, isIndexer, viewLength }
//   { "cmd": "forge-digest" }              appends to this writer's own oplog a message whose digest names a
//                                          system core it made up (its own key pair, no prologue); { forged }
//   { "cmd": "exit" } (or a bare `exit` line)
const net = require('node:net')
const c = require('compact-encoding')
const Autobase = require('autobase')
const messages = require('autobase/lib/messages.js')
const { arg, openStore, replication, serveCommands, startWriter } = require('./writer-process')

const storage = arg('storage')
const bootstrap = arg('bootstrap')
const store = openStore(storage)
const { server, pipe, close: closeReplication } = replication(store)

const base = new Autobase(store, bootstrap ? Buffer.from(bootstrap, 'hex') : null, {
  valueEncoding: 'json',
  open: (s) => s.get('messages'),
  async apply (nodes, view, host) {
    for (const { value } of nodes) {
      if (value === null) continue
      if (value.add !== undefined) await host.addWriter(Buffer.from(value.add, 'hex'), { indexer: true })
      else if (value.text !== undefined) await view.append(Buffer.from(JSON.stringify(value)))
    }
  }
})

function state () {
  return {
    system: base.core.key.toString('hex'),
    systemSigned: base.core.signedLength,
    view: base.view.key.toString('hex'),
    viewSigned: base.view.signedLength,
    viewLength: base.view.length,
    isIndexer: base.isIndexer
  }
}

async function forgeDigest () {
  // A system core of the forger's own: a Hyperbee-shaped core with no prologue, its own key pair.
  const forged = store.get({ name: 'forged-system' })
  await forged.ready()
  if (forged.length === 0) await forged.append(Buffer.from('not a system core'))
  const block = c.encode(messages.OplogMessage, {
    version: 2,
    maxSupportedVersion: 2,
    digest: { pointer: 0, key: forged.key },
    checkpoint: null,
    optimistic: false,
    node: { heads: [], batch: 1, value: null },
    trace: null
  })
  const raw = store.get({ key: base.local.key })
  await raw.ready()
  await raw.append(block)
  await raw.close()
  return { forged: forged.key.toString('hex') }
}

async function run (cmd) {
  switch (cmd.cmd) {
    case 'dial': {
      const socket = net.connect(cmd.port, '127.0.0.1')
      pipe(socket, true)
      return {}
    }
    case 'append':
      await base.append({ text: cmd.text })
      return state()
    case 'add':
      await base.append({ add: cmd.key })
      return state()
    case 'sync':
      await base.update()
      if (base.isIndexer && cmd.tick === true) await base.append({ tick: true })
      if (base.isIndexer) await base.ack()
      return state()
    case 'state':
      return state()
    case 'forge-digest':
      return forgeDigest()
    case 'exit':
      await shutdown()
      process.exit(0)
      break
    default:
      throw new Error(`unknown command ${cmd.cmd}`)
  }
}

async function shutdown () {
  await closeReplication()
  await base.close()
  await store.close()
}

async function main () {
  await base.ready()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  process.stdout.write(JSON.stringify({
    ready: true,
    key: base.key.toString('hex'),
    local: base.local.key.toString('hex'),
    port: server.address().port,
    primaryKey: store.primaryKey.toString('hex')
  }) + '\n')
  serveCommands(run, shutdown)
}

startWriter(main, shutdown)
