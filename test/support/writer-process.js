'use strict'
// What the writer processes of the tests share (heads-writer.js, struct-writer.js): their
// arguments, a Corestore (reopened with --primary-key for the copied-storage recipe of
// test/heads/helpers.ts) and replication over TCP on 127.0.0.1.
const net = require('node:net')
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

module.exports = { arg, openStore, replication }
