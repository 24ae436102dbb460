/**
 * Deploys the HyperSeal contract to any JSON-RPC endpoint.
 *
 *   HYPERSEAL_DEPLOYER_KEY=0x… npx ts-node scripts/deploy.ts --rpc http://127.0.0.1:8545 [--json]
 *
 * The key comes from HYPERSEAL_DEPLOYER_KEY, else HYPERSEAL_SEALER_KEY; never from an
 * argument (arguments show up in `ps` and shell history). The deployer becomes admin and
 * sealer unless --admin / --sealer name other addresses (--sealer none grants no sealer).
 * Exit codes: 0 deployed, 2 bad input, 1 the chain failed.
 */
import { parseArgs } from 'node:util'
import { ChainError, deployHyperSeal, rpcOrigin } from '../src/chain'

const USAGE = 'Usage: HYPERSEAL_DEPLOYER_KEY=0x… ts-node scripts/deploy.ts --rpc <url> [--admin <address>] [--sealer <address>|none] [--json]\n' +
  '  --rpc defaults to $HYPERSEAL_RPC; the key is read from $HYPERSEAL_DEPLOYER_KEY or $HYPERSEAL_SEALER_KEY.'

function fail (code: number, message: string): never {
  console.error(message)
  process.exit(code)
}

async function main (argv: string[]): Promise<void> {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: { rpc: { type: 'string' }, admin: { type: 'string' }, sealer: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
      strict: true
    }).values
  } catch (err) {
    fail(2, `${(err as Error).message}\n${USAGE}`)
  }
  if (values.help === true) {
    console.log(USAGE)
    return
  }
  const rpcUrl = values.rpc ?? process.env.HYPERSEAL_RPC
  if (rpcUrl === undefined || rpcUrl === '') fail(2, `No RPC URL: pass --rpc or set HYPERSEAL_RPC.\n${USAGE}`)
  const key = process.env.HYPERSEAL_DEPLOYER_KEY ?? process.env.HYPERSEAL_SEALER_KEY
  if (key === undefined || key === '') fail(2, 'No deployer key: set HYPERSEAL_DEPLOYER_KEY (or HYPERSEAL_SEALER_KEY) in the environment.')

  try {
    const d = await deployHyperSeal({
      rpcUrl,
      deployerKey: key,
      ...(values.admin !== undefined ? { admin: values.admin } : {}),
      ...(values.sealer !== undefined ? { sealer: values.sealer === 'none' ? null : values.sealer } : {})
    })
    if (values.json === true) {
      console.log(JSON.stringify(d))
    } else {
      console.log(`HyperSeal deployed at ${d.address} in block ${d.blockNumber} (chain ${d.chainId}, tx ${d.txHash}) via ${rpcOrigin(rpcUrl)}`)
      console.log(`admin ${d.admin}, sealer ${d.sealer}. Set HYPERSEAL_CONTRACT=${d.address}`)
    }
  } catch (err) {
    if (err instanceof ChainError) fail(err.code.startsWith('INVALID_') ? 2 : 1, `${err.code}: ${err.message}`)
    throw err
  }
}

main(process.argv.slice(2)).catch((err: unknown) => fail(1, `Unexpected failure: ${(err as Error).message}`))
