'use strict'
// What the writer processes of the tests share (heads-writer.js, struct-writer.js): their
// arguments, a Corestore (reopened with --primary-key for the copied-storage recipe of
// test/heads/helpers.ts) and replication over TCP on 127.0.0.1.
const net = require('node:net')
const readline = require('node:readline')
const Corestore = require('corestore')

function arg (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : process.argv[i + 1]
}

function openStore (storage, primaryKey) {
  return primaryKey
    ? new Corestore(storage, { primaryKey: Buffer.from(primaryKey, 'hex'), unsafe: true })
    : new Corestore(storage)
}

/** A replication server for `store` (listen on it), `pipe` for a socket dialed out, `close` ends both. */
function replication (store) {
  const sockets = new Set()
  function pipe (socket, isInitiator) {
    const stream = store.replicate(isInitiator)
    sockets.add(socket)
    stream.pipe(socket).pipe(stream)
    const end = () => { sockets.delete(socket); socket.destroy(); stream.destroy() }
    socket.on('error', end)
    stream.on('error', end)
    socket.on('close', end)
  }
  const server = net.createServer((socket) => pipe(socket, false))
  async function close () {
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  }
  return { server, pipe, close }
}

/**
 * The command loop of a JSON writer (struct-writer.js, autobase-writer.js): each stdin line is one
 * JSON command (a bare `exit`, as test/heads/helpers.ts ChildWriter.exit() sends, is `{ cmd: "exit" }`),
 * run one at a time in order and answered with one line, `{ ok: true, ...result }` or
 * `{ ok: false, error }`. The end of stdin and SIGTERM close the writer (`shutdown`).
 */
function serveCommands (run, shutdown) {
  let queue = Promise.resolve()
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    queue = queue.then(() => run(line.trim() === 'exit' ? { cmd: 'exit' } : JSON.parse(line))).then(
      (res) => process.stdout.write(JSON.stringify({ ok: true, ...res }) + '\n'),
      (err) => process.stdout.write(JSON.stringify({ ok: false, error: err.message }) + '\n')
    )
  })
  process.stdin.on('end', () => shutdown().then(() => process.exit(0)))
}

/** Runs the writer's `main`; SIGTERM closes it, a failure to start prints its stack and exits 1. */
function startWriter (main, shutdown) {
  process.on('SIGTERM', () => shutdown().then(() => process.exit(0), () => process.exit(1)))
  main().catch((err) => {
    process.stderr.write(String(err && err.stack) + '\n')
    process.exit(1)
  })
}

module.exports = { arg, openStore, replication, serveCommands, startWriter }
