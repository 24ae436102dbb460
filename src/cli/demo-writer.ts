/**
 * The demo's writers: a Hypercore in its own Corestore, served over TCP on 127.0.0.1 with
 * Hypercore's replication protocol (the side that dials initiates), and the copied-key recipe
 * of research/hypercore-internals.md §3: copy the storage directory, delete the copy's
 * CORESTORE device file, reopen it with the same primary key — two devices that can both sign
 * for one core key, i.e. a fork waiting to happen.
 */
import { cpSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'

export interface DemoWriter {
  dir: string
  store: Corestore
  core: Hypercore
  key: string
  peer: string
  append (n: number, label: string): Promise<void>
  close (): Promise<void>
}

export async function openWriter (dir: string, primaryKey?: Buffer): Promise<DemoWriter> {
  const store = primaryKey === undefined ? new Corestore(dir) : new Corestore(dir, { primaryKey, unsafe: true })
  const core = store.get({ name: 'writer' })
  await core.ready()
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    const stream = store.replicate(false)
    stream.pipe(socket).pipe(stream)
    const end = (): void => { sockets.delete(socket); socket.destroy(); stream.destroy() }
    socket.on('error', end)
    stream.on('error', end)
    socket.on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    dir,
    store,
    core,
    key: core.key.toString('hex'),
    peer: `127.0.0.1:${port}`,
    async append (n, label) {
      const blocks: Buffer[] = []
      for (let i = 0; i < n; i++) blocks.push(Buffer.from(`${label} ${core.length + i}`))
      await core.append(blocks)
    },
    async close () {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
    }
  }
}

/** Closes `writer`, copies its storage to `copyDir` as a second device, and reopens both. */
export async function cloneWriter (writer: DemoWriter, copyDir: string): Promise<[DemoWriter, DemoWriter]> {
  if (writer.store.primaryKey === null) throw new Error('The writer\'s Corestore has no primary key.')
  // Copied before closing: the store may wipe its secrets on close.
  const primaryKey = Buffer.from(writer.store.primaryKey)
  await writer.close()
  cpSync(writer.dir, copyDir, { recursive: true })
  rmSync(join(copyDir, 'CORESTORE'))
  const one = await openWriter(writer.dir)
  const two = await openWriter(copyDir, primaryKey)
  if (one.key !== two.key) throw new Error('The copied storage did not give the same core key.')
  return [one, two]
}
