import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyAlert, type AlertBody } from '../../src/alerts'
import { onCleanup } from '../heads/helpers'

export const SECRET = 'alert-secret-' + 'x'.repeat(24) + '-DO-NOT-LOG'
/** A token in the webhook URL's query, as many receivers (Slack, PagerDuty) take one. */
export const URL_TOKEN = 'url-token-DO-NOT-LOG-7f3a'

export interface Received { headers: IncomingMessage['headers'], body: string, path: string }

/**
 * A webhook receiver on 127.0.0.1 (node:http): keeps every request, answers what `answer`
 * says for the n-th request (0-based; default 200 "thanks"). `stop` closes it (the port is then
 * down); `start` listens again on the same port. Closed by runCleanups.
 */
export class TestReceiver {
  readonly got: Received[] = []
  private server: Server | null = null
  port = 0

  constructor (private answer: (n: number) => { status: number, body: string } = () => ({ status: 200, body: 'thanks' })) {}

  static async start (opts: { port?: number, answer?: (n: number) => { status: number, body: string } } = {}): Promise<TestReceiver> {
    const r = new TestReceiver(opts.answer)
    r.port = opts.port ?? 0
    await r.listen()
    onCleanup(() => r.stop())
    return r
  }

  /** The webhook URL to configure (with a token in its query, which must never be logged). */
  get url (): string {
    return `http://127.0.0.1:${this.port}/hook?token=${URL_TOKEN}`
  }

  async listen (): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const n = this.got.length
        this.got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' })
        const { status, body } = this.answer(n)
        res.writeHead(status, { 'content-type': 'text/plain' }).end(body)
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  setAnswer (answer: (n: number) => { status: number, body: string }): void {
    this.answer = answer
  }

  async stop (): Promise<void> {
    const s = this.server
    this.server = null
    if (s === null) return
    s.closeAllConnections()
    await new Promise<void>((r) => s.close(() => r()))
  }

  /** Every request that verifies with `secret` (the receiver's check), as alerts. */
  alerts (secret = SECRET): AlertBody[] {
    return this.got.map((g) => verifyAlert({ body: g.body, headers: g.headers, secret })).flatMap((v) => (v.ok ? [v.alert] : []))
  }

  ofKind (kind: AlertBody['kind'], secret = SECRET): AlertBody[] {
    return this.alerts(secret).filter((a) => a.kind === kind)
  }
}
