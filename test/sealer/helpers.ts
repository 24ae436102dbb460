import { loadConfig, type Config } from '../../src/config'
import { HypersealService, type ServiceOptions } from '../../src/service'
import { onCleanup, tempDir } from '../heads/helpers'

/** A config for a service in `dataDir` on the embedded chain, with ports picked by the OS. */
export function testConfig (dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ env: { HYPERSEAL_DATA: dataDir, HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_PORT: '0', ...env } })
}

/** A real service (embedded anvil, Corestore, TCP replication) in a temp dir, closed after the test. */
export async function openService (opts: ServiceOptions & { dataDir?: string } = {}): Promise<{ service: HypersealService, dataDir: string }> {
  const dataDir = opts.dataDir ?? tempDir('hs-service-')
  const service = await HypersealService.open(testConfig(dataDir), { updateTimeoutMs: 2000, ...opts })
  onCleanup(() => service.close())
  return { service, dataDir }
}
