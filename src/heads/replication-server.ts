import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import type Corestore from 'corestore'
import { HeadsError } from './errors'
import { errInfo, type HeadsLogger } from './logger'

/** Bounds the sockets one process holds for writers pushing to us. */
const MAX_INBOUND = 512

/**
 * The replication port: writers (or any peer) dial in and replicate with the store as the
 * Noise responder. A peer can only open channels for cores this store already holds. Bad
 * peers (garbage bytes, silence) are dropped by the secret stream's errors and idle timeout.
 */
export class ReplicationServer {
  private server: Server | null = null
  private readonly sockets = new Set<Socket>()

  constructor (
    private readonly store: Corestore,
    private readonly idleTimeoutMs: number,
    private readonly log: HeadsLogger
  ) {}

  address (): { host: string, port: number } | null {
    const a = this.server?.address() as AddressInfo | null | undefined
    return a ? { host: a.address, port: a.port } : null
  }

  async listen (host: string, port: number): Promise<{ host: string, port: number }> {
    const existing = this.address()
    if (existing !== null) return existing
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new HeadsError('LISTEN_FAILED', `The replication port must be 0-65535, got ${port}.`)
    }
    const server = createServer((socket) => this.accept(socket))
    server.maxConnections = MAX_INBOUND
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve()
        })
      })
    } catch (err) {
      server.close()
      throw new HeadsError('LISTEN_FAILED', `Cannot listen for replication on ${host}:${port} (${errInfo(err).message}); choose another replication port or stop the process using it.`, { cause: err })
    }
    server.on('error', (err) => this.log.error({ err: errInfo(err) }, 'replication server error'))
    this.server = server
    const bound = this.address() as { host: string, port: number }
    this.log.info(bound, 'listening for replication')
    return bound
  }

  private accept (socket: Socket): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`
    let stream
    try {
      stream = this.store.replicate(false)
    } catch (err) {
      this.log.warn({ remote, err: errInfo(err) }, 'cannot replicate: the store is closed')
      socket.destroy()
      return
    }
    this.sockets.add(socket)
    socket.setNoDelay(true)
    stream.noiseStream.setTimeout(this.idleTimeoutMs)
    stream.pipe(socket).pipe(stream)
    const onError = (err: unknown): void => this.log.debug({ remote, err: errInfo(err) }, 'inbound replication error')
    socket.on('error', onError)
    stream.on('error', onError)
    const onClose = (): void => {
      this.sockets.delete(socket)
      socket.destroy()
      stream.destroy()
    }
    socket.on('close', onClose)
    stream.on('close', onClose)
  }

  async close (): Promise<void> {
    const server = this.server
    this.server = null
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
