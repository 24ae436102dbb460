import { expect } from 'chai'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { HypersealService } from '../../src/service'
import { onCleanup, runCleanups, tempDir } from '../heads/helpers'
import { testConfig } from '../sealer/helpers'
import { fixedPort } from '../support/fixed-port'
import { expectOneErrorLine, runCli } from './helpers'

// HYPERSEAL_CHAIN_PORT fixes the embedded anvil's port (8545 for users). These tests each take a
// port of their own: never 8545, which a developer's own node may hold, and (for the restart)
// below the ephemeral range, so nothing else on the machine takes it between the two starts.

describe('the embedded chain on a fixed port (HYPERSEAL_CHAIN_PORT)', function () {
  this.timeout(300_000)
  after(runCleanups)

  it('keeps its RPC URL across restarts, and names it in the service info and the trust root', async () => {
    const port = await fixedPort()
    const dataDir = tempDir('hs-chain-port-')
    const url = `http://127.0.0.1:${port}`
    for (const start of ['first', 'second']) {
      const service = await HypersealService.open(testConfig(dataDir, { HYPERSEAL_CHAIN_PORT: String(port) }), { updateTimeoutMs: 2000 })
      try {
        expect(service.rpcUrl, start).to.equal(url)
        expect(service.info().rpc, start).to.equal(url)
        expect(service.trust().root.chains[0].rpc, start).to.deep.equal([url])
      } finally {
        await service.close()
      }
    }
  })

  it('`hyperseal start` refuses a port another program holds with one line naming it, exit 2', async () => {
    const held = new Set<Socket>()
    const holder: Server = createServer((socket) => { held.add(socket) })
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    onCleanup(() => new Promise<void>((resolve) => {
      for (const socket of held) socket.destroy()
      holder.close(() => resolve())
    }))
    const port = (holder.address() as AddressInfo).port
    const run = await runCli(['start'], { HYPERSEAL_DATA: tempDir('hs-chain-taken-'), HYPERSEAL_PORT: '0', HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_CHAIN_PORT: String(port) })
    const line = expectOneErrorLine(run, 2, 'port taken')
    expect(line).to.include(`port ${port} on 127.0.0.1 is taken`).and.include('HYPERSEAL_CHAIN_PORT')
  })
})
