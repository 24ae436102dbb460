import { loadConfig, type Config } from '../../src/config'
import { HypersealService, type ServiceOptions } from '../../src/service'
import type { Receipt } from '../../src/seal'
import { appendN, childWriter, localWriter, onCleanup, tempDir, waitFor, type ChildWriter, type LocalWriter } from '../heads/helpers'

/** The service's replication address, for a writer that dials in (`dial host:port`). */
export async function replicationAddress (service: HypersealService): Promise<string> {
  const { host, port } = await service.watcher.listen()
  return `${host}:${port}`
}

/** Waits until the service's replica of `key` is at `length` (and `fork`, when given). */
export async function replicaAt (service: HypersealService, key: string, length: number, fork?: number): Promise<void> {
  await waitFor(() => service.watcher.watched().some((w) => w.key === key && w.length === length && (fork === undefined || w.fork === fork)),
    `the replica of ${key.slice(0, 8)} at length ${length}${fork === undefined ? '' : `, fork ${fork}`}`, 20_000)
}

/** Writer A in its own process with 5 blocks, writer B here with 3: both watched and replicated. */
export async function watchedPair (service: HypersealService): Promise<{ a: ChildWriter, b: LocalWriter }> {
  const a = await childWriter()
  await a.send('append 5')
  const b = await localWriter()
  await appendN(b.core, 3)
  await service.watchCore(a.key, [`127.0.0.1:${a.port}`])
  await service.watchCore(b.key, [`127.0.0.1:${b.port}`])
  await replicaAt(service, a.key, 5)
  await replicaAt(service, b.key, 3)
  return { a, b }
}

/** A config for a service in `dataDir` on the embedded chain, with ports picked by the OS. */
export function testConfig (dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ env: { HYPERSEAL_DATA: dataDir, HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_PORT: '0', HYPERSEAL_CHAIN_PORT: '0', ...env } })
}

/** A real service (embedded anvil, Corestore, TCP replication) in a temp dir, closed after the test. */
export async function openService (opts: ServiceOptions & { dataDir?: string, env?: Record<string, string> } = {}): Promise<{ service: HypersealService, dataDir: string }> {
  const { dataDir: given, env, ...options } = opts
  const dataDir = given ?? tempDir('hs-service-')
  const service = await HypersealService.open(testConfig(dataDir, env), { updateTimeoutMs: 2000, ...options })
  onCleanup(() => service.close())
  return { service, dataDir }
}

/**
 * A writer core of `blocks` blocks, watched by `service` through TCP on 127.0.0.1 and sealed
 * once: the starting point of the verify, fuzz and tamper tests.
 */
export async function sealedWriter (service: HypersealService, blocks: number): Promise<LocalWriter> {
  const writer = await localWriter()
  await appendN(writer.core, blocks)
  await service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
  await waitFor(() => service.watcher.watched().find((w) => w.key === writer.key)?.length === blocks, `replica at length ${blocks}`)
  await service.sealNow()
  return writer
}

/**
 * Rewrites every stored receipt entry of `key` straight in the receipts log's Hyperbee, past the
 * ledger's API (what an attacker with the data directory could do).
 */
export async function tamperStoredReceipts (service: HypersealService, key: string, change: (receipt: Receipt) => void): Promise<void> {
  const bee = (service.log as unknown as { bee: { bee: RawBee } }).bee.bee
  for await (const entry of bee.createReadStream({ gte: `receipt!${key}!`, lt: `receipt!${key}!~` })) {
    change(entry.value.receipt)
    await bee.put(entry.key, entry.value)
  }
}

interface RawBee {
  put (key: string, value: unknown): Promise<void>
  createReadStream (range: object): AsyncIterable<{ key: string, value: { receipt: Receipt } }>
}
