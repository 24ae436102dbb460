import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createChainClient, type EmbeddedChain } from '../../src/chain'
import { ChainFixture, OTHER_KEY } from './helpers'

const ROOT = join(__dirname, '..', '..')

/**
 * Runs `ts-node scripts/deploy.ts` the way a user does (typechecked unless `fast`); the test
 * runner's TS_NODE_* settings are not passed on (TS_NODE_FILES would typecheck the whole repo).
 */
function runDeploy (args: string[], env: Record<string, string>, fast = false): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TS_NODE_') && !k.startsWith('HYPERSEAL_')))
  const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), ...(fast ? ['--transpile-only'] : []), 'scripts/deploy.ts', ...args],
    { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

describe('chain: scripts/deploy.ts', function () {
  const fx = new ChainFixture()
  let chain: EmbeddedChain
  before(async () => { chain = await fx.start() })
  after(() => fx.teardown())

  it('deploys to the given RPC with the key from the environment and prints JSON', async () => {
    const admin = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    const { code, stdout, stderr } = await runDeploy(['--rpc', chain.rpcUrl, '--json', '--admin', admin], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY })
    expect(code, stderr).to.equal(0)
    const out = JSON.parse(stdout) as { address: string, blockNumber: number, chainId: number, txHash: string, admin: string, sealer: string }
    expect(out).to.include({ chainId: 31337, admin, sealer: admin })
    expect(out.blockNumber).to.be.a('number').and.at.least(1)
    expect(stdout + stderr).to.not.include(OTHER_KEY.slice(2))
    const client = await createChainClient({ rpcUrl: chain.rpcUrl, contractAddress: out.address, signerKey: OTHER_KEY })
    try {
      // OTHER_KEY deployed it and holds SEALER_ROLE by default: sealing works.
      const receipt = await client.waitMined((await client.seal('0x' + '42'.repeat(32), 1)).txHash, 5000)
      expect(receipt.status).to.equal('success')
      expect(receipt.blockNumber).to.be.above(out.blockNumber)
    } finally {
      client.close()
    }
  })

  it('takes the RPC from HYPERSEAL_RPC and prints a readable line', async () => {
    const { code, stdout } = await runDeploy([], { HYPERSEAL_RPC: chain.rpcUrl, HYPERSEAL_SEALER_KEY: OTHER_KEY }, true)
    expect(code).to.equal(0)
    expect(stdout).to.match(/^HyperSeal deployed at 0x[0-9a-fA-F]{40} in block \d+/)
  })

  it('exits 2 without a key, with a key argument or a malformed key; 1 when the RPC is down', async () => {
    expect((await runDeploy(['--rpc', chain.rpcUrl], {}, true)).code).to.equal(2)
    expect((await runDeploy(['--rpc', chain.rpcUrl, '--key', OTHER_KEY], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY }, true)).code).to.equal(2)
    const bad = await runDeploy(['--rpc', chain.rpcUrl], { HYPERSEAL_DEPLOYER_KEY: '0x1234secret' }, true)
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.include('INVALID_CONFIG').and.not.include('1234secret')
    expect((await runDeploy(['--rpc', 'http://127.0.0.1:1'], { HYPERSEAL_DEPLOYER_KEY: OTHER_KEY }, true)).code).to.equal(1)
  })
})
