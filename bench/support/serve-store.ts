// Serves a Corestore's replication over TCP on 127.0.0.1 for a bench's writers.
import { createServer, type AddressInfo, type Socket } from 'node:net'
import type Corestore from 'corestore'

export async function serveStore (store: Corestore): Promise<{ port: number, address: string, close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    const s = store.replicate(false)
    s.on('error', () => {})
    socket.on('error', () => {})
    s.pipe(socket).pipe(s)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    address: `127.0.0.1:${port}`,
    close: async () => { for (const s of sockets) s.destroy(); await new Promise<void>((resolve) => server.close(() => resolve())) }
  }
}
