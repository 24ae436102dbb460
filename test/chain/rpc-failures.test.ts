import { expect } from 'chai'
import { id, AbiCoder } from 'ethers'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net'
import { ChainError, createChainClient, deployHyperSeal, HYPERSEAL_INTERFACE, toChainError } from '../../src/chain'
import { DEFAULT_TIMEOUT_MS } from '../../src/chain/rpc'
import { codeOf, randomRoot } from './helpers'

const ADDRESS = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

interface Call { id: number, method: string, params: unknown[] }
type Handler = (body: Call, res: ServerResponse) => void

/** A real HTTP server on 127.0.0.1 that answers JSON-RPC the way a broken node might. */
async function node (handler: Handler): Promise<{ url: string, server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = ''
    req.on('data', (c: Buffer) => { raw += c.toString() })
    req.on('end', () => handler(JSON.parse(raw) as Call, res))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

function reply (call: Call, res: ServerResponse, result: unknown): void {
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result }))
}

/** Answers like a HyperSeal on chain 31337, except `sealedAt`, which answers `sealedAt`. */
function fakeHyperSeal (sealedAt: [bigint, bigint], blockNumber = '0x10'): Handler {
  return (call, res) => {
    if (call.method === 'eth_chainId') return reply(call, res, '0x7a69')
    if (call.method === 'eth_getCode') return reply(call, res, '0x6080')
    if (call.method === 'eth_blockNumber') return reply(call, res, blockNumber)
    const data = (call.params[0] as { data: string }).data
    const fn = HYPERSEAL_INTERFACE.parseTransaction({ data })?.name
    if (fn === 'SEALER_ROLE') return reply(call, res, AbiCoder.defaultAbiCoder().encode(['bytes32'], [id('SEALER_ROLE')]))
    reply(call, res, AbiCoder.defaultAbiCoder().encode(['uint64', 'uint64'], sealedAt))
  }
}

describe('chain: RPC failures and bad configuration', () => {
  const servers: Array<Server | TcpServer> = []
  const sockets: Socket[] = []
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy()
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
  })

  async function serve (handler: Handler): Promise<string> {
    const { url, server } = await node(handler)
    servers.push(server)
    return url
  }

  it('answers RPC_UNREACHABLE quickly for a closed port', async () => {
    const probe = createTcpServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const started = Date.now()
    expect(await codeOf(createChainClient({ rpcUrl: `http://127.0.0.1:${port}`, contractAddress: ADDRESS }))).to.equal('RPC_UNREACHABLE')
    expect(await codeOf(deployHyperSeal({ rpcUrl: `http://127.0.0.1:${port}`, deployerKey: KEY }))).to.equal('RPC_UNREACHABLE')
    // Not a speed check: a client that retried a closed port would wait out its 10 s timeout on each call.
    expect(Date.now() - started).to.be.below(DEFAULT_TIMEOUT_MS)
  })

  it('answers RPC_TIMEOUT when the node accepts but never answers', async () => {
    const silent = createTcpServer((s) => { sockets.push(s) })
    servers.push(silent)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const rpcUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    const started = Date.now()
    expect(await codeOf(createChainClient({ rpcUrl, contractAddress: ADDRESS, timeoutMs: 300 }))).to.equal('RPC_TIMEOUT')
    expect(Date.now() - started).to.be.within(250, 3000)
  })

  it('answers RPC_UNREACHABLE when the connection is reset or a gateway says 503', async () => {
    const reset = await serve((_body, res) => { res.socket?.destroy() })
    expect(await codeOf(createChainClient({ rpcUrl: reset, contractAddress: ADDRESS }))).to.equal('RPC_UNREACHABLE')
    const gateway = await serve((_body, res) => { res.statusCode = 503; res.end('busy') })
    expect(await codeOf(createChainClient({ rpcUrl: gateway, contractAddress: ADDRESS }))).to.equal('RPC_UNREACHABLE')
  })

  it('answers RPC_BAD_ANSWER for HTML, a malformed chain id, and RPC_ERROR for a JSON-RPC error', async () => {
    const html = await serve((_body, res) => { res.setHeader('content-type', 'text/html'); res.end('<html>hello</html>') })
    expect(await codeOf(createChainClient({ rpcUrl: html, contractAddress: ADDRESS }))).to.equal('RPC_BAD_ANSWER')
    const weird = await serve((call, res) => reply(call, res, 'sixty-nine'))
    expect(await codeOf(createChainClient({ rpcUrl: weird, contractAddress: ADDRESS }))).to.equal('RPC_BAD_ANSWER')
    const refusing = await serve((_body, res) => { res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'no' } })) })
    expect(await codeOf(createChainClient({ rpcUrl: refusing, contractAddress: ADDRESS }))).to.equal('RPC_ERROR')
  })

  it('refuses a seal answer with one field zero, and an out-of-range block number', async () => {
    const liar = await serve(fakeHyperSeal([0n, 5n], '0x' + 'f'.repeat(16)))
    const client = await createChainClient({ rpcUrl: liar, contractAddress: ADDRESS })
    try {
      expect(await codeOf(client.sealedAt(randomRoot()))).to.equal('RPC_BAD_ANSWER')
      expect(await codeOf(client.blockNumber())).to.equal('RPC_BAD_ANSWER')
    } finally {
      client.close()
    }
    const honest = await serve(fakeHyperSeal([1_700_000_000n, 5n]))
    const ok = await createChainClient({ rpcUrl: honest, contractAddress: ADDRESS })
    expect(await ok.sealedAt(randomRoot())).to.deep.equal({ timestamp: 1_700_000_000, blockNumber: 5 })
    ok.close()
  })

  it('rejects bad configuration with INVALID_CONFIG and never echoes a key', async () => {
    const base = { rpcUrl: 'http://127.0.0.1:1', contractAddress: ADDRESS }
    expect(await codeOf(createChainClient({ ...base, rpcUrl: 'ftp://127.0.0.1/' }))).to.equal('INVALID_CONFIG')
    expect(await codeOf(createChainClient({ ...base, rpcUrl: 'not a url' }))).to.equal('INVALID_CONFIG')
    expect(await codeOf(createChainClient({ ...base, contractAddress: '0x1234' }))).to.equal('INVALID_CONFIG')
    // Mixed case with a broken EIP-55 checksum (last letter's case flipped).
    expect(await codeOf(createChainClient({ ...base, contractAddress: ADDRESS.slice(0, -1) + 'A' }))).to.equal('INVALID_CONFIG')
    expect(await codeOf(createChainClient({ ...base, timeoutMs: 0 }))).to.equal('INVALID_CONFIG')
    const secret = 'ab'.repeat(31) + 'zz'
    for (const signerKey of [secret, '0x' + 'f'.repeat(64), '0x' + '0'.repeat(64)]) {
      const err = await createChainClient({ ...base, signerKey }).catch((e: unknown) => e as ChainError)
      expect((err as ChainError).code).to.equal('INVALID_CONFIG')
      expect((err as ChainError).message).to.not.include(signerKey.replace(/^0x/, '').slice(0, 16))
    }
    expect(await codeOf(deployHyperSeal({ rpcUrl: base.rpcUrl, deployerKey: secret }))).to.equal('INVALID_CONFIG')
  })

  it('passes ChainErrors through and files unknown failures under RPC_ERROR', () => {
    const mine = new ChainError('NO_CONTRACT', 'x')
    expect(toChainError(mine, 'to test')).to.equal(mine)
    expect(toChainError('a string', 'to test').code).to.equal('RPC_ERROR')
    // Node's own socket errors, as ethers passes them on (DNS is not exercised live: tests stay on 127.0.0.1).
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET']) {
      expect(toChainError(Object.assign(new Error('boom'), { code }), 'to test').code, code).to.equal('RPC_UNREACHABLE')
    }
  })
})
