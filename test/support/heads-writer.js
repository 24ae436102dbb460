'use strict'
// A Hypercore writer in its own process, for the heads tests. It opens a Corestore at
// --storage, creates (or reopens) one core, listens for replication on 127.0.0.1:--port
// (0 = any free port) and prints one JSON line: { ready, key, port, primaryKey, length, fork }.
// Then it reads commands on stdin, one per line, and answers each with one JSON line:
//   append N            append N blocks "<label>-<index>"
//   append-data a b c   append the given strings as blocks
//   truncate L          truncate to length L (the fork id grows)
//   head                report { length, fork, treeHash }
//   dial host:port      replicate over TCP to host:port, as the dialing (initiator) side
//   exit                close everything and exit 0
// Options: --label (block prefix), --primary-key hex (with the copied-storage recipe).
const net = require('node:net')
const readline = require('node:readline')
const { arg, openStore, replication } = require('./writer-process')

const storage = arg('storage')
const port = Number(arg('port', '0'))
const label = arg('label', 'block')
const primaryKey = arg('primary-key')

const store = openStore(storage, primaryKey)
const core = store.get({ name: 'writer' })

const { server, pipe, close: closeReplication } = replication(store)

async function head () {
  return { length: core.length, fork: core.fork, treeHash: (await core.treeHash()).toString('hex') }
}

async function run (line) {
  const [cmd, ...args] = line.trim().split(/\s+/)
  switch (cmd) {
    case 'append': {
      const n = Number(args[0])
      const blocks = []
      for (let i = 0; i < n; i++) blocks.push(Buffer.from(`${label}-${core.length + i}`))
      await core.append(blocks)
      return head()
    }
    case 'append-data':
      await core.append(args.map((s) => Buffer.from(s)))
      return head()
    case 'truncate':
      await core.truncate(Number(args[0]))
      return head()
    case 'head':
      return head()
    case 'dial': {
      const [host, p] = args[0].split(':')
      pipe(net.connect(Number(p), host), true)
      return {}
    }
    case 'exit':
      await shutdown()
      process.exit(0)
      break
    default:
      throw new Error(`unknown command ${cmd}`)
  }
}

async function shutdown () {
  await closeReplication()
  await store.close()
}

async function main () {
  await core.ready()
  await store.ready()
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  process.stdout.write(JSON.stringify({
    ready: true,
    key: core.key.toString('hex'),
    port: server.address().port,
    primaryKey: store.primaryKey.toString('hex'),
    length: core.length,
    fork: core.fork
  }) + '\n')
  // Commands run one at a time, in order.
  let queue = Promise.resolve()
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    queue = queue.then(() => run(line)).then(
      (res) => process.stdout.write(JSON.stringify({ ok: true, ...res }) + '\n'),
      (err) => process.stdout.write(JSON.stringify({ ok: false, error: err.message }) + '\n')
    )
  })
  process.stdin.on('end', () => shutdown().then(() => process.exit(0)))
}

process.on('SIGTERM', () => shutdown().then(() => process.exit(0), () => process.exit(1)))
main().catch((err) => {
  process.stderr.write(String(err && err.stack) + '\n')
  process.exit(1)
})
