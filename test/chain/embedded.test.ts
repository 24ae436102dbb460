import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { fixedPort } from '../support/fixed-port'
import { TS_LOADER } from '../support/ts-loader'
import { readFileSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import type { ChainLogger } from '../../src/chain'
import { ChainError } from '../../src/chain'
import { ChainFixture, codeOf, pidAlive, randomRoot, waitPidGone } from './helpers'

async function errorOf (p: Promise<unknown>): Promise<ChainError> {
  try {
    await p
  } catch (err) {
    expect(err).to.be.instanceOf(ChainError)
    return err as ChainError
  }
  throw new Error('expected a ChainError, got success')
}

function recordingLogger (): ChainLogger & { warnings: string[] } {
  const warnings: string[] = []
  const noop = (): void => {}
  return { warnings, debug: noop, info: noop, error: noop, warn: (_obj: object, msg: string) => { warnings.push(msg) } }
}

/** Runs test/support/chain-launch-child.ts in a child Node process; resolves with what it printed. */
function launchChild (dataDir: string, mode: 'exit' | 'hang', port = 0): Promise<{ child: ReturnType<typeof spawn>, pid: number, address: string }> {
  const root = join(__dirname, '..', '..')
  const child = spawn(process.execPath, ['-r', TS_LOADER, join(root, 'test', 'support', 'chain-launch-child.ts'), dataDir, mode, String(port)],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('\n')) resolve({ child, ...JSON.parse(out) as { pid: number, address: string } })
    })
    child.once('exit', (code) => { if (!out.includes('\n')) reject(new Error(`launcher child exited with ${String(code)}`)) })
  })
}

describe('chain: embedded anvil launcher', function () {
  const fx = new ChainFixture()
  afterEach(() => fx.teardown())

  it('keeps the contract and its seals across a stop and a start on the same data dir', async () => {
    const dataDir = fx.dir()
    const first = await fx.start({ dataDir })
    expect(first.origin).to.equal('deployed')
    expect(first.chainId).to.equal(31337)
    expect(JSON.parse(readFileSync(join(dataDir, 'chain', 'contract.json'), 'utf8')))
      .to.deep.equal({ address: first.contractAddress, chainId: 31337, deployBlock: first.deployBlock })
    const client = await fx.client(first)
    const root = randomRoot()
    const mined = await client.waitMined((await client.seal(root, 2)).txHash, 5000)
    const sealed = await client.sealedAt(root)
    await first.stop()
    expect(pidAlive(first.pid)).to.equal(false)
    expect(await codeOf(client.blockNumber())).to.equal('RPC_UNREACHABLE')

    const second = await fx.start({ dataDir })
    expect(second.origin).to.equal('existing')
    expect(second.contractAddress).to.equal(first.contractAddress)
    expect(second.deployBlock).to.equal(first.deployBlock)
    const again = await fx.client(second)
    expect(await again.sealedAt(root)).to.deep.equal(sealed)
    expect((await again.getBlock(mined.blockNumber))?.hash).to.equal(mined.blockHash)
    expect((await again.waitMined((await again.seal(randomRoot(), 1)).txHash, 5000)).status).to.equal('success')
  })

  it('keeps exactly what persistState saved through a SIGKILL of anvil; anvil never writes the file itself', async () => {
    const dataDir = fx.dir()
    const first = await fx.start({ dataDir })
    const argv = readFileSync(`/proc/${first.pid}/cmdline`, 'utf8').split('\0')
    expect(argv.filter((a) => /^--(state|dump-state|state-interval)$/.test(a)), 'no state writes by anvil').to.deep.equal([])
    const client = await fx.client(first)
    const saved = randomRoot()
    await client.waitMined((await client.seal(saved, 1)).txHash, 5000)
    await first.persistState()
    const unsaved = randomRoot()
    await client.waitMined((await client.seal(unsaved, 1)).txHash, 5000)
    process.kill(first.pid, 'SIGKILL')
    await waitPidGone(first.pid)

    const second = await fx.start({ dataDir })
    expect(second.origin).to.equal('existing')
    const again = await fx.client(second)
    expect(await again.sealedAt(saved)).to.not.equal(null)
    expect(await again.sealedAt(unsaved)).to.equal(null)
  })

  it('redeploys, and says so, when the state file was lost', async () => {
    const dataDir = fx.dir()
    const first = await fx.start({ dataDir })
    const client = await fx.client(first)
    const root = randomRoot()
    await client.waitMined((await client.seal(root, 1)).txHash, 5000)
    await first.stop()
    rmSync(join(dataDir, 'chain', 'state.json'))

    const logger = recordingLogger()
    const second = await fx.start({ dataDir, logger })
    expect(second.origin).to.equal('redeployed')
    expect(logger.warnings.join(' ')).to.match(/lost its state/)
    expect(await (await fx.client(second)).sealedAt(root)).to.equal(null)
  })

  it('listens on a configured port, and refuses with PORT_TAKEN (saying what holds it) when another program has it', async () => {
    // A program that takes connections and never answers.
    const held = new Set<Socket>()
    const holder = createServer((socket) => { held.add(socket) })
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = (holder.address() as AddressInfo).port
    try {
      const err = await errorOf(fx.start({ port }))
      expect(err.code).to.equal('PORT_TAKEN')
      expect(err.message).to.include(`port ${port} on 127.0.0.1 is taken by a program that is not an Ethereum JSON-RPC node`).and.include('HYPERSEAL_CHAIN_PORT')
    } finally {
      for (const socket of held) socket.destroy()
      await new Promise((resolve) => holder.close(resolve))
    }
    const chain = await fx.start({ port })
    expect(chain.rpcUrl).to.equal(`http://127.0.0.1:${port}`)
    // The port of another data directory's embedded chain: named as a JSON-RPC node, never stopped.
    const other = await errorOf(fx.start({ port }))
    expect(other.code).to.equal('PORT_TAKEN')
    expect(other.message).to.include('an Ethereum JSON-RPC node of chain 31337 that is not this data directory\'s embedded chain')
    expect(await (await fx.client(chain)).blockNumber()).to.be.at.least(1)
  })

  it('starts again on the same fixed port after its orphaned anvil of a previous run held it', async () => {
    const dataDir = fx.dir()
    const port = await fixedPort() // the orphan's port must stay ours between its death and the restart
    const { child, pid, address } = await launchChild(dataDir, 'hang', port)
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    try {
      const chain = await fx.start({ dataDir, port })
      expect(pidAlive(pid)).to.equal(false)
      expect(chain.rpcUrl).to.equal(`http://127.0.0.1:${port}`)
      expect(chain.contractAddress).to.equal(address)
      expect(chain.origin).to.equal('existing')
    } finally {
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL')
    }
  })

  it('refuses a bad host or port, and a second anvil on a data dir in use', async () => {
    expect(await codeOf(fx.start({ host: 'localhost' }))).to.equal('INVALID_CONFIG')
    expect(await codeOf(fx.start({ port: 70000 }))).to.equal('INVALID_CONFIG')
    const dataDir = fx.dir()
    const running = await fx.start({ dataDir })
    expect(await codeOf(fx.start({ dataDir }))).to.equal('ANVIL_FAILED')
    expect(await (await fx.client(running)).blockNumber()).to.be.at.least(1)
  })

  it('takes anvil down when its parent process exits without stop()', async () => {
    const { pid } = await launchChild(fx.dir(), 'exit')
    await waitPidGone(pid)
  })

  it('takes anvil down on SIGTERM to its parent, which still dies of the signal', async () => {
    const { child, pid } = await launchChild(fx.dir(), 'hang')
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
    child.kill('SIGTERM')
    expect(await exited).to.equal('SIGTERM')
    await waitPidGone(pid)
  })

  it('stops an anvil orphaned by a SIGKILLed parent before starting on its data dir', async () => {
    const dataDir = fx.dir()
    const { child, pid, address } = await launchChild(dataDir, 'hang')
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    expect(pidAlive(pid), 'anvil outlived its SIGKILLed parent (expected: only the pid file helps)').to.equal(true)
    try {
      const chain = await fx.start({ dataDir })
      expect(pidAlive(pid)).to.equal(false)
      expect(chain.contractAddress).to.equal(address)
      expect(chain.origin).to.equal('existing')
    } finally {
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL')
    }
  })
})
