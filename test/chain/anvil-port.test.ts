/**
 * The fixed-port check before the embedded anvil starts (src/chain/anvil-port.ts): a port held
 * by another program is refused at once; after our own orphaned anvil was stopped, the port it
 * held a moment longer (its command line goes before its sockets) is waited for, within a bound.
 */
import { expect } from 'chai'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { checkChainPort } from '../../src/chain/anvil-port'
import { codeOf } from './helpers'

/** A program that holds a port, accepts and never answers; `close` frees the port (and drops what it accepted). */
async function hold (): Promise<{ port: number, close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

describe('chain: the embedded chain\'s fixed port', () => {
  it('refuses a port another program holds (PORT_TAKEN) without a grace, and within its grace when it is never freed', async () => {
    const held = await hold()
    try {
      expect(await codeOf(checkChainPort('127.0.0.1', held.port))).to.equal('PORT_TAKEN')
      expect(await codeOf(checkChainPort('127.0.0.1', held.port, 200))).to.equal('PORT_TAKEN')
    } finally {
      await held.close()
    }
  })

  it('waits, within its grace, for a port that is freed a moment later (an anvil of ours just stopped)', async () => {
    const held = await hold()
    const checked = checkChainPort('127.0.0.1', held.port, 60_000)
    let settled = false
    void checked.then(() => { settled = true }, () => { settled = true })
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).to.equal(false) // still held: still waiting
    await held.close()
    await checked // resolves once free, long before the 60 s grace
  })
})
