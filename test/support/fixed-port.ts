/**
 * A port for a test that needs a *fixed* one (a service started twice on the same port): free
 * now, and below the OS's ephemeral range, so no `listen(0)` and no outgoing connection of
 * another process (a second test suite beside this one) can take it between our check and our
 * start, or between a stop and the next start. A port from `listen(0)` can be taken so: it
 * happened once in a run beside another suite ("Address already in use").
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const LOWEST = 20_000

/** The first port of the OS's ephemeral range (Linux), 32768 where it cannot be read. */
function ephemeralLow (): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : 32_768
  } catch {
    return 32_768
  }
}

async function free (port: number): Promise<boolean> {
  const server = createServer()
  return await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** A free port on 127.0.0.1 in [20000, ephemeral low), picked at random. */
export async function fixedPort (): Promise<number> {
  const high = ephemeralLow()
  for (let i = 0; i < 100; i++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST))
    if (await free(port)) return port
  }
  throw new Error(`no free port found in [${LOWEST}, ${high}) after 100 tries`)
}
