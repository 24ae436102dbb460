import { createServer } from 'node:net'
import { rpcUrlFor } from './anvil-process'
import { sleep } from './rpc'
import { ChainError } from './errors'

/** Whether something already listens on host:port (we try to bind it, and release it at once). */
function taken (host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(true)
      else reject(new ChainError('PORT_TAKEN', `The embedded chain cannot listen on ${host}:${port} (${err.code ?? err.message}); set HYPERSEAL_CHAIN_PORT to another port (0 for any free one).`, { cause: err }))
    })
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)))
  })
}

/**
 * The chain id a JSON-RPC node on `url` answers, or null for anything else. Plain fetch with an
 * abort: the connection is closed when the time is up (a program that accepts and never answers
 * must not be left holding our socket).
 */
async function chainIdAt (url: string): Promise<number | null> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(2000)
    })
    const body = await res.json() as { result?: unknown }
    return typeof body.result === 'string' && /^0x[0-9a-fA-F]{1,13}$/.test(body.result) ? Number(body.result) : null
  } catch {
    return null
  }
}

/**
 * Refuses (PORT_TAKEN) a fixed port that another program holds, saying what answers there, before
 * anvil is started: anvil's own failure would only say "address in use" in its stderr. Our own
 * anvil of a previous run on this data directory was stopped before (anvil-pidfile.ts); one of
 * another data directory or anything else is not ours to stop. A program that grabs the port
 * between this check and anvil's bind still fails anvil's start (ANVIL_FAILED, with its stderr).
 */
export async function checkChainPort (host: string, port: number, graceMs = 0): Promise<void> {
  if (port === 0) return
  // An anvil stopped just before (ours, orphaned) gives its memory back before its sockets: its
  // command line is gone while its listener still holds the port for a moment, longer on a busy
  // machine. `graceMs` waits that moment out instead of calling it another program's port.
  const deadline = Date.now() + graceMs
  while (await taken(host, port)) {
    if (Date.now() < deadline) {
      await sleep(50)
      continue
    }
    const chainId = await chainIdAt(rpcUrlFor(host, port))
    const what = chainId === null
      ? 'by a program that is not an Ethereum JSON-RPC node'
      : `by an Ethereum JSON-RPC node of chain ${chainId} that is not this data directory's embedded chain (another Hyperseal data directory, or an anvil or Hardhat node of yours)`
    throw new ChainError('PORT_TAKEN', `The embedded chain's port ${port} on ${host} is taken ${what}. Stop it, or set HYPERSEAL_CHAIN_PORT to a free port (0 for any).`)
  }
}
