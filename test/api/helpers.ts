import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, createLogger } from '../../src/api'
import { HypersealService } from '../../src/service'
import { onCleanup, tempDir } from '../heads/helpers'
import { testConfig } from '../sealer/helpers'

export interface ApiFixture {
  app: FastifyInstance
  service: HypersealService
  token: string
  dataDir: string
  /** Every log line the app wrote, as sent to the log destination. */
  logs: string[]
  /** Inject with the admin token. */
  admin (opts: InjectOptions): Promise<LightMyRequestResponse>
}

/**
 * A real service (embedded anvil, Corestore, TCP replication on 127.0.0.1) in a temp dir with
 * the API built on it (not listening) and its logs captured; all closed by runCleanups.
 */
export async function openApi (opts: { rateLimit?: false, site?: string | false } = {}): Promise<ApiFixture> {
  const dataDir = tempDir('hs-api-')
  const logs: string[] = []
  const destination = new Writable({ write (chunk: Buffer, _enc, cb) { logs.push(chunk.toString()); cb() } })
  const logger = createLogger({ level: 'debug', destination })
  const service = await HypersealService.open(testConfig(dataDir), { updateTimeoutMs: 2000, logger })
  onCleanup(() => service.close())
  // No pages unless a test builds them: the API's tests do not depend on `npm run build`.
  const app = buildApp({ service, adminToken: service.adminToken, auditorToken: service.auditorToken, logger, metrics: service.registry, site: false, ...opts })
  onCleanup(() => app.close())
  const token = service.adminToken
  const admin = (opts: InjectOptions): Promise<LightMyRequestResponse> =>
    app.inject({ ...opts, headers: { authorization: `Bearer ${token}`, ...(opts.headers ?? {}) } })
  return { app, service, token, dataDir, logs, admin }
}

/** The pid of the embedded anvil that a service in `dataDir` started (its pid file). */
export function anvilPid (dataDir: string): number {
  return (JSON.parse(readFileSync(join(dataDir, 'chain', 'anvil.pid'), 'utf8')) as { pid: number }).pid
}

export function errorCode (res: LightMyRequestResponse): string {
  return (res.json() as { error: { code: string } }).error.code
}
