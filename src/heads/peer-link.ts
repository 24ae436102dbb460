import { connect, type Socket } from 'node:net'
import type Corestore from 'corestore'
import type { ProtocolStream } from 'hypercore'
import { backoffDelay, type BackoffOptions } from './backoff'
import { errInfo, type HeadsLogger } from './logger'
import type { PeerAddress } from './parse'

export interface LinkOptions extends BackoffOptions {
  /** A connection that stayed up this long resets the backoff. */
  stableMs: number
  /** Drop a connection (and retry) when nothing arrives for this long; Hypercore sends keep-alives every 5 s. */
  idleTimeoutMs: number
}

export interface PeerStatus {
  address: string
  connected: boolean
  /** Consecutive failed or short-lived connections (drives the backoff). */
  failures: number
  /** Watched cores (hex keys) that named this peer. */
  keys: string[]
}

/**
 * One outgoing TCP connection to one peer, carrying every core of the store (Corestore's
 * replicate stream attaches all open cores, and cores opened later), so all watched cores
 * that name this peer share it. We dial, so we are the Noise initiator. Any socket or
 * protocol failure (refused, reset, garbage bytes, idle) ends the connection and schedules a
 * reconnect with capped, jittered exponential backoff; nothing here throws to the caller.
 */
export class PeerLink {
  readonly keys = new Set<string>()
  private socket: Socket | null = null
  private stream: ProtocolStream | null = null
  private timer: NodeJS.Timeout | null = null
  private failures = 0
  private handshakeAt = 0
  private closed = false

  constructor (
    readonly peer: PeerAddress,
    private readonly store: Corestore,
    private readonly opts: LinkOptions,
    private readonly log: HeadsLogger
  ) {}

  get connected (): boolean {
    return this.stream !== null && this.handshakeAt > 0
  }

  status (): PeerStatus {
    return { address: this.peer.address, connected: this.connected, failures: this.failures, keys: [...this.keys] }
  }

  start (): void {
    if (this.socket === null && this.timer === null) this.dial()
  }

  private dial (): void {
    if (this.closed) return
    let stream: ProtocolStream
    try {
      stream = this.store.replicate(true)
    } catch (err) {
      // Only when the store is closing: the owner is shutting down, so stop quietly.
      this.log.warn({ peer: this.peer.address, err: errInfo(err) }, 'cannot replicate: the store is closed')
      return
    }
    const socket = connect({ host: this.peer.host, port: this.peer.port })
    socket.setNoDelay(true)
    this.socket = socket
    this.stream = stream
    this.handshakeAt = 0
    stream.noiseStream.setTimeout(this.opts.idleTimeoutMs)
    stream.pipe(socket).pipe(stream)

    const onError = (err: unknown): void => {
      this.log.debug({ peer: this.peer.address, err: errInfo(err) }, 'peer connection error')
    }
    socket.on('error', onError)
    stream.on('error', onError)
    stream.noiseStream.opened.then((ok) => {
      if (!ok || this.stream !== stream) return
      this.handshakeAt = Date.now()
      this.log.info({ peer: this.peer.address }, 'connected to peer')
    }, onError)

    let ended = false
    const onClose = (): void => {
      if (ended) return
      ended = true
      socket.destroy()
      stream.destroy()
      if (this.stream !== stream) return
      const upMs = this.handshakeAt > 0 ? Date.now() - this.handshakeAt : -1
      this.socket = null
      this.stream = null
      this.handshakeAt = 0
      this.retry(upMs)
    }
    socket.on('close', onClose)
    stream.on('close', onClose)
  }

  private retry (upMs: number): void {
    if (this.closed) return
    // A connection that held long enough was a good one: start the backoff over.
    if (upMs >= this.opts.stableMs) this.failures = 0
    const delay = backoffDelay(this.failures, this.opts)
    this.failures++
    this.log.info({ peer: this.peer.address, delayMs: delay, failures: this.failures, upMs }, 'peer connection ended; reconnecting')
    this.timer = setTimeout(() => {
      this.timer = null
      this.dial()
    }, delay)
    this.timer.unref()
  }

  close (): void {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.socket?.destroy()
    this.stream?.destroy()
    this.socket = null
    this.stream = null
  }
}
