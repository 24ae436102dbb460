import type Corestore from 'corestore'
import HyperDHT from 'hyperdht'
import Hyperswarm, { type SwarmConnection } from 'hyperswarm'
import { errInfo, type HeadsLogger } from './logger'
import type { PeerAddress } from './parse'

/**
 * Hyperswarm discovery: join each watched core's discovery key as a client and replicate the
 * store over every connection the swarm makes. Only built when a bootstrap list is given —
 * without one, hyperdht would fall back to the public network's bootstrap nodes.
 * `dhtHost` is the address the DHT's UDP sockets bind to; binding 127.0.0.1 keeps every packet
 * on loopback (hyperdht then also announces only 127.0.0.1), which is what tests need.
 */
export class SwarmDiscovery {
  private readonly swarm: Hyperswarm
  private readonly joined = new Set<string>()

  constructor (store: Corestore, bootstrap: PeerAddress[], dhtHost: string | undefined, private readonly log: HeadsLogger) {
    const nodes = bootstrap.map((p) => ({ host: p.host, port: p.port }))
    const dht = new HyperDHT(dhtHost === undefined ? { bootstrap: nodes } : { bootstrap: nodes, host: dhtHost })
    this.swarm = new Hyperswarm({ dht })
    this.swarm.on('connection', (conn: SwarmConnection) => {
      const onError = (err: unknown): void => log.debug({ err: errInfo(err) }, 'swarm connection error')
      conn.on('error', onError)
      try {
        store.replicate(conn).on('error', onError)
      } catch (err) {
        onError(err)
        conn.destroy()
      }
    })
  }

  join (discoveryKey: Buffer): void {
    const id = discoveryKey.toString('hex')
    if (this.joined.has(id)) return
    this.joined.add(id)
    this.swarm.join(discoveryKey, { client: true, server: false })
  }

  async leave (discoveryKey: Buffer): Promise<void> {
    if (!this.joined.delete(discoveryKey.toString('hex'))) return
    await this.swarm.leave(discoveryKey).catch((err: unknown) => this.log.warn({ err: errInfo(err) }, 'leaving a swarm topic failed'))
  }

  /** Resolves when the swarm has looked up every joined topic once. */
  async flush (): Promise<void> {
    await this.swarm.flush()
  }

  get connections (): number {
    return this.swarm.connections.size
  }

  async close (): Promise<void> {
    await this.swarm.destroy()
  }
}
