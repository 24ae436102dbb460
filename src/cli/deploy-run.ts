/**
 * What `hyperseal deploy` does when it runs (loaded then, not for --help): reads the deployer's
 * key, deploys with a separate admin, and prints the trust root of the new contract (the JSON
 * `hyperseal trust export` writes) on stdout, and what to do next on stderr.
 */
import {
  createChainReader, decryptKeystore, deployHyperSeal, isDevelopmentChain, rpcOrigin,
  DEFAULT_ADMIN_DELAY_SECONDS, HYPERSEAL_CODE_HASH, type Deployment
} from '../chain'
import { pin, type PinnedTrust } from '../evidence'
import { parseTrustRoot, shortFingerprint, type Finality } from '../trust'
import type { DeployCliOptions } from './deploy'
import { CliError } from './errors'
import { writeAtomically } from './output'
import { promptSecret } from './secret-prompt'
import { finalityFromOptions } from './trust-pin'

const NO_KEY = 'No deployer key: give --keystore <file> (password in HYPERSEAL_KEYSTORE_PASSWORD, or typed at the prompt) or set HYPERSEAL_DEPLOYER_KEY in the environment. A key is never taken from a flag.'

/** The deployer's private key: from the keystore, else the environment; never a flag. */
async function deployerKey (opts: DeployCliOptions, env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env.HYPERSEAL_DEPLOYER_KEY
  if (opts.keystore === undefined) {
    if (fromEnv === undefined || fromEnv === '') throw new CliError('BAD_INPUT', NO_KEY)
    return fromEnv
  }
  if (fromEnv !== undefined && fromEnv !== '') throw new CliError('BAD_INPUT', 'Give --keystore or HYPERSEAL_DEPLOYER_KEY, not both: which key deploys must be plain.')
  const password = env.HYPERSEAL_KEYSTORE_PASSWORD ?? await promptSecret(`Password of ${opts.keystore}: `)
  if (password === null) throw new CliError('BAD_INPUT', `No password for ${opts.keystore}: set HYPERSEAL_KEYSTORE_PASSWORD, or run on a terminal to be asked.`)
  return await decryptKeystore('--keystore', opts.keystore, password)
}

function adminDelay (raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_ADMIN_DELAY_SECONDS
  if (!/^\d{1,10}$/.test(raw)) throw new CliError('BAD_INPUT', `--admin-delay must be a whole number of seconds, got ${JSON.stringify(raw.slice(0, 40))}.`)
  return Number(raw)
}

/** The new contract's trust root: its chain, address, code hash and deploy block; no receipts log or report key yet (the service adds them). */
function trustRootOf (d: Deployment, finality: Finality): PinnedTrust {
  return pin(parseTrustRoot({
    v: 1,
    kind: 'hyperseal-trust-root',
    name: `HyperSeal ${d.address.toLowerCase()} on chain ${d.chainId} (hyperseal deploy)`,
    chains: [{
      chainId: d.chainId,
      // A development chain can be rewritten by whoever runs it: verifiers say so, as for the embedded chain.
      embedded: isDevelopmentChain(d.chainId),
      contracts: [{ address: d.address.toLowerCase(), codeHash: HYPERSEAL_CODE_HASH, deployBlock: d.blockNumber }],
      finality,
      // The RPC URL given may carry an API key in its path: it is no hint to hand out.
      rpc: []
    }],
    receiptsLogs: [],
    reportKeys: []
  }))
}

/** Refuses `--finalized` on a chain that does not answer the tag: verifiers holding the root would never see a seal final. */
async function checkFinalizedTag (rpcUrl: string): Promise<void> {
  const reader = await createChainReader({ rpcUrl })
  try {
    if (await reader.finalizedBlock() === null) throw new CliError('BAD_INPUT', `Chain ${reader.chainId} does not answer the \`finalized\` block tag: use --confirmations <n> instead of --finalized.`)
  } finally {
    reader.close()
  }
}

function nextSteps (d: Deployment, rpc: string, trust: PinnedTrust, output: string | undefined): string[] {
  const days = d.adminDelaySeconds / 86_400
  const delay = Number.isInteger(days) ? `${days} day${days === 1 ? '' : 's'}` : `${d.adminDelaySeconds} s`
  const lines = [
    `HyperSeal deployed at ${d.address} in block ${d.blockNumber} of chain ${d.chainId} (tx ${d.txHash}) via ${rpc}`,
    `  admin    ${d.admin} (transfers take two steps, ${delay} apart: beginDefaultAdminTransfer, then acceptDefaultAdminTransfer by the new admin)`,
    `  sealer   ${/^0x0{40}$/.test(d.sealer) ? 'none yet' : d.sealer}`,
    `  trust root fingerprint ${trust.fingerprint} (${shortFingerprint(trust.fingerprint)})${output !== undefined ? `, written to ${output}` : ''}`,
    'next steps:'
  ]
  if (/^0x0{40}$/.test(d.sealer)) lines.push(`  - from the admin, grant the sealer its role: grantRole(SEALER_ROLE, <sealer address>) on ${d.address}`)
  lines.push(
    '  - keep the admin key offline; the sealer only needs to seal, and gas to pay for it',
    `  - start the service on it: HYPERSEAL_RPC=<url> HYPERSEAL_CONTRACT=${d.address} HYPERSEAL_KEYSTORE=<sealer keystore> HYPERSEAL_KEYSTORE_PASSWORD=… hyperseal start`,
    '  - then publish its full trust root (receipts log and report key added): hyperseal trust export -o trust.json, and its fingerprint over a channel you trust'
  )
  return lines
}

export async function runDeploy (opts: DeployCliOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const rpcUrl = opts.rpc ?? env.HYPERSEAL_RPC
  if (rpcUrl === undefined || rpcUrl === '') throw new CliError('BAD_INPUT', 'No RPC URL: give --rpc <url> or set HYPERSEAL_RPC.')
  const finality = finalityFromOptions(opts)
  const delay = adminDelay(opts.adminDelay)
  const key = await deployerKey(opts, env)
  if (finality === 'finalized') await checkFinalizedTag(rpcUrl)
  const d = await deployHyperSeal({
    rpcUrl,
    deployerKey: key,
    adminDelaySeconds: delay,
    allowHotAdmin: opts.allowHotAdmin === true,
    ...(opts.admin !== undefined ? { admin: opts.admin } : {}),
    ...(opts.sealer !== undefined ? { sealer: opts.sealer === 'none' ? null : opts.sealer } : {})
  })
  if (d.hotAdmin && !isDevelopmentChain(d.chainId)) {
    process.stderr.write(`warning: the sealer ${d.sealer} is also the admin of ${d.address} (--allow-hot-admin). Its key signs every seal unattended: whoever steals it can grant sealers. Begin an admin transfer to a cold wallet or a multisig soon.\n`)
  }
  const trust = trustRootOf(d, finality)
  const text = JSON.stringify(trust.root, null, 2) + '\n'
  if (opts.output !== undefined) writeAtomically(opts.output, text)
  process.stdout.write(opts.json === true ? JSON.stringify({ deployment: d, fingerprint: trust.fingerprint, trustRoot: trust.root }, null, 2) + '\n' : text)
  process.stderr.write(nextSteps(d, rpcOrigin(rpcUrl), trust, opts.output).map((l) => l + '\n').join(''))
}
