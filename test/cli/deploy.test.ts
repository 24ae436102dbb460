import { expect } from 'chai'
import { Contract, JsonRpcProvider, Wallet, encryptKeystoreJson, getAddress, id } from 'ethers'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HYPERSEAL_ABI, HYPERSEAL_CODE_HASH, type ChainLogger } from '../../src/chain'
import { resolveAnvilCommand } from '../../src/chain/anvil-binary'
import { spawnAnvil, type AnvilProcess } from '../../src/chain/anvil-process'
import { parseTrustRoot, type TrustRoot } from '../../src/trust'
import { ChainFixture, OTHER_KEY } from '../chain/helpers'
import { onCleanup, runCleanups, tempDir } from '../heads/helpers'
import { expectOneErrorLine, runCli, runInProcess } from './helpers'

// anvil's accounts 2 and 3 of the public test mnemonic: the admin (cold) and the sealer (hot).
const ADMIN = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const SEALER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
const PASSWORD = 'correct horse battery staple 7'
const SEALER_ROLE = id('SEALER_ROLE')
const QUIET: ChainLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** Runs `hyperseal <args>` in this process with `env` set for the run only (HYPERSEAL_* cleared). */
async function deploy (args: string[], env: Record<string, string> = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  const saved = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('HYPERSEAL_')))
  for (const k of Object.keys(saved)) delete process.env[k]
  Object.assign(process.env, env)
  try {
    return await runInProcess(['deploy', ...args])
  } finally {
    for (const k of Object.keys(env)) delete process.env[k]
    Object.assign(process.env, saved)
  }
}

/** The contract the trust root on stdout names, read on chain. */
function contractOf (root: TrustRoot, rpcUrl: string): { hs: Contract, provider: JsonRpcProvider } {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true })
  onCleanup(() => provider.destroy())
  return { hs: new Contract(root.chains[0].contracts[0].address, HYPERSEAL_ABI, provider), provider }
}

/** An anvil of chain 4242 (not a development chain id), with the same funded test accounts. */
async function publicLikeChain (): Promise<AnvilProcess> {
  const anvil = await spawnAnvil({ command: resolveAnvilCommand(), args: ['--chain-id', '4242'], host: '127.0.0.1', port: 0, startTimeoutMs: 60_000, logger: QUIET })
  onCleanup(() => anvil.stop())
  return anvil
}

describe('hyperseal deploy', function () {
  this.timeout(300_000)
  const fx = new ChainFixture()
  let devRpc: string
  let keystore: string

  before(async () => {
    devRpc = (await fx.start()).rpcUrl
    // Small scrypt parameters: a real keystore's take seconds to open, the format is the same.
    keystore = join(tempDir('hs-keystore-'), 'deployer.json')
    const wallet = new Wallet(OTHER_KEY)
    writeFileSync(keystore, await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, PASSWORD, { scrypt: { N: 1024 } }))
  })
  after(async () => {
    await runCleanups()
    await fx.teardown()
  })

  it('deploys from a keystore with a separate admin and sealer, and prints the trust root of the new contract', async () => {
    const out = join(tempDir('hs-deploy-'), 'trust.json')
    const run = await deploy(['--rpc', devRpc, '--keystore', keystore, '--admin', ADMIN, '--sealer', SEALER, '--admin-delay', '3600', '-o', out],
      { HYPERSEAL_KEYSTORE_PASSWORD: PASSWORD })
    expect(run.code, run.stderr).to.equal(0)
    const root = parseTrustRoot(JSON.parse(run.stdout))
    expect(readFileSync(out, 'utf8')).to.equal(run.stdout)
    expect(root.chains).to.have.length(1)
    expect(root.chains[0]).to.deep.include({ chainId: 31337, embedded: true, finality: { confirmations: 12 }, rpc: [] })
    expect(root.chains[0].contracts[0].codeHash).to.equal(HYPERSEAL_CODE_HASH)
    const { hs, provider } = contractOf(root, devRpc)
    expect(await provider.getCode(root.chains[0].contracts[0].address).then((c) => c.length)).to.be.above(2)
    expect(await hs.defaultAdmin()).to.equal(ADMIN)
    expect(await hs.defaultAdminDelay()).to.equal(3600n)
    expect(await hs.hasRole(SEALER_ROLE, SEALER)).to.equal(true)
    expect(await hs.hasRole(SEALER_ROLE, new Wallet(OTHER_KEY).address)).to.equal(false)
    expect(root.chains[0].contracts[0].deployBlock).to.be.at.least(1)
    expect(run.stderr).to.include('next steps:').and.include(`HYPERSEAL_CONTRACT=${getAddress(root.chains[0].contracts[0].address)}`).and.include('hyperseal trust export')
    for (const secret of [PASSWORD, OTHER_KEY.slice(2)]) expect(run.stdout + run.stderr).to.not.include(secret)
  })

  it('refuses a keystore the password does not open, without echoing the password; and a missing password off a terminal', async () => {
    const wrong = await deploy(['--rpc', devRpc, '--keystore', keystore], { HYPERSEAL_KEYSTORE_PASSWORD: 'not the password 12345' })
    expect(expectOneErrorLine(wrong, 2, 'wrong password')).to.include('is not a keystore that this password opens').and.not.include('not the password 12345')
    // stdin is not a terminal here: no prompt that nobody would see.
    const none = await deploy(['--rpc', devRpc, '--keystore', keystore])
    expect(expectOneErrorLine(none, 2, 'no password')).to.include('HYPERSEAL_KEYSTORE_PASSWORD')
    const missing = await deploy(['--rpc', devRpc, '--keystore', join(tempDir('hs-nokeystore-'), 'nope.json')], { HYPERSEAL_KEYSTORE_PASSWORD: PASSWORD })
    expect(expectOneErrorLine(missing, 2, 'no keystore file')).to.include('ENOENT')
  })

  it('takes the key only from the keystore or HYPERSEAL_DEPLOYER_KEY, never a flag, and not both', async () => {
    expect(expectOneErrorLine(await deploy(['--rpc', devRpc]), 2, 'no key')).to.include('HYPERSEAL_DEPLOYER_KEY')
    expect(expectOneErrorLine(await deploy(['--rpc', devRpc, '--key', OTHER_KEY], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY }), 2, '--key flag')).to.include('unknown option')
    const both = await deploy(['--rpc', devRpc, '--keystore', keystore], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY, HYPERSEAL_KEYSTORE_PASSWORD: PASSWORD })
    expect(expectOneErrorLine(both, 2, 'both')).to.include('not both')
    const bad = await deploy(['--rpc', devRpc], { HYPERSEAL_DEPLOYER_KEY: '0x1234secret' })
    expect(expectOneErrorLine(bad, 2, 'malformed key')).to.not.include('1234secret')
    expect(expectOneErrorLine(await deploy([], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY }), 2, 'no rpc')).to.include('--rpc')
    for (const delay of ['-1', '3 days', '1e9', '999999999999']) {
      expect((await deploy(['--rpc', devRpc, '--admin-delay', delay], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY })).code, delay).to.equal(2)
    }
    expect((await deploy(['--rpc', devRpc, '--finalized', '--confirmations', '3'], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY })).code).to.equal(2)
  })

  it('on a chain that is not a development chain, refuses to make the sealer\'s hot key admin unless allowed, with a warning', async () => {
    const chain = await publicLikeChain()
    const deployer = new Wallet(OTHER_KEY).address
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true })
    onCleanup(() => provider.destroy())
    const nonce = await provider.getTransactionCount(deployer)

    // The deployer would be admin and sealer both (the defaults), or --admin names the sealer.
    for (const args of [[], ['--admin', SEALER, '--sealer', SEALER]]) {
      const refused = await deploy(['--rpc', chain.rpcUrl, ...args], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY })
      expect(expectOneErrorLine(refused, 2, `hot admin ${args.join(' ')}`)).to.include('Refusing to make the sealer').and.include('--admin <address>').and.include('--allow-hot-admin')
    }
    expect(await provider.getTransactionCount(deployer), 'nothing was sent').to.equal(nonce)

    const separate = await deploy(['--rpc', chain.rpcUrl, '--admin', ADMIN], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY })
    expect(separate.code, separate.stderr).to.equal(0)
    expect(separate.stderr).to.not.include('warning')
    const root = parseTrustRoot(JSON.parse(separate.stdout))
    expect(root.chains[0]).to.deep.include({ chainId: 4242, embedded: false })
    expect(await contractOf(root, chain.rpcUrl).hs.defaultAdmin()).to.equal(ADMIN)
    expect(await contractOf(root, chain.rpcUrl).hs.defaultAdminDelay(), 'the default delay: 3 days').to.equal(259_200n)

    const allowed = await deploy(['--rpc', chain.rpcUrl, '--allow-hot-admin', '--json'], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY })
    expect(allowed.code, allowed.stderr).to.equal(0)
    expect(allowed.stderr).to.match(/^warning: the sealer 0x[0-9a-fA-F]{40} is also the admin/m)
    const answer = JSON.parse(allowed.stdout) as { deployment: { admin: string, sealer: string, hotAdmin: boolean }, fingerprint: string, trustRoot: unknown }
    expect(answer.deployment).to.include({ admin: deployer, sealer: deployer, hotAdmin: true })
    expect(parseTrustRoot(answer.trustRoot).chains[0].chainId).to.equal(4242)
  })

  it('pins the finalized tag in the trust root where the chain answers it', async () => {
    const run = await deploy(['--rpc', devRpc, '--finalized', '--sealer', 'none'], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY })
    expect(run.code, run.stderr).to.equal(0)
    const root = parseTrustRoot(JSON.parse(run.stdout))
    expect(root.chains[0].finality).to.equal('finalized')
    expect(run.stderr).to.include('sealer   none yet').and.include('grant the sealer its role')
    expect(await contractOf(root, devRpc).hs.hasRole(SEALER_ROLE, new Wallet(OTHER_KEY).address)).to.equal(false)
  })

  it('runs as its own process with the key from the environment, which never reaches the output', async () => {
    const run = await runCli(['deploy', '--rpc', devRpc, '--admin', ADMIN], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY })
    expect(run.code, run.stderr).to.equal(0)
    expect(parseTrustRoot(JSON.parse(run.stdout)).chains[0].chainId).to.equal(31337)
    expect(run.stdout + run.stderr).to.not.include(OTHER_KEY.slice(2))
  })
})
