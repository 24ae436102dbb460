import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deployHyperSeal } from '../../src/chain'
import { resolveAnvilCommand } from '../../src/chain/anvil-binary'
import { spawnAnvil } from '../../src/chain/anvil-process'
import { SILENT_LOGGER } from '../../src/util'
import { onCleanup, tempDir } from '../heads/helpers'
import { startTestTsa, type TestTsa } from '../support/tsa'

/** anvil's account 0 of the public test mnemonic: a well-known test key (it deploys and seals on the secondary chain). */
export const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
/** Account 1 of the same mnemonic: the admin, apart from the sealer's hot key (chain 31338 is not a development chain to `deploy`). */
const ADMIN = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

/** A second real anvil on 127.0.0.1 with its own chain id, HyperSeal deployed on it; stopped after the test. */
export async function secondaryChain (chainId: number): Promise<{ rpcUrl: string, chainId: number, contract: string }> {
  const anvil = await spawnAnvil({ command: resolveAnvilCommand(), args: ['--chain-id', String(chainId)], host: '127.0.0.1', port: 0, startTimeoutMs: 30_000, logger: SILENT_LOGGER })
  onCleanup(() => anvil.stop())
  const deployed = await deployHyperSeal({ rpcUrl: anvil.rpcUrl, deployerKey: DEV_KEY, admin: ADMIN, pollMs: 50 })
  return { rpcUrl: anvil.rpcUrl, chainId, contract: deployed.address }
}

export async function testTsa (): Promise<TestTsa> {
  const tsa = await startTestTsa()
  onCleanup(() => tsa.close())
  return tsa
}

/** A cron that never fires within a test (1 January, 00:00): the test runs the anchor itself (`anchorNow`). */
export const NEVER = '0 0 1 1 *'

/**
 * A config file with a secondary EVM anchor `l1` on `schedule` (default: never; the test drives
 * it) and, when given, a TSA `tsa` likewise; the env that goes with it.
 */
export function anchorsConfig (secondary: { rpcUrl: string, chainId: number, contract: string }, opts: { schedule?: string, tsa?: TestTsa } = {}): Record<string, string> {
  const dir = tempDir('hs-anchors-')
  const schedule = opts.schedule ?? NEVER
  const anchors: unknown[] = [{ type: 'evm', name: 'l1', rpc: secondary.rpcUrl, chainId: secondary.chainId, contract: secondary.contract, confirmations: 1, schedule, sealerKeyEnv: 'HS_TEST_L1_SEALER_KEY' }]
  if (opts.tsa !== undefined) {
    writeFileSync(join(dir, 'tsa-ca.pem'), opts.tsa.caPem)
    anchors.push({ type: 'rfc3161', name: 'tsa', url: opts.tsa.url, certificates: 'tsa-ca.pem', schedule: NEVER })
  }
  const file = join(dir, 'config.json')
  writeFileSync(file, JSON.stringify({ anchors }))
  return { HYPERSEAL_CONFIG: file, HS_TEST_L1_SEALER_KEY: DEV_KEY }
}
