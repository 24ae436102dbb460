/**
 * What a seal pass asks of a core's peers, bounded by the core's deadline inside the pass.
 * `holdBlock` is also the pass's liveness check: a head the peers announced but whose last
 * block they do not send in time is not sealed this pass (the core is marked stale).
 */
import type Hypercore from 'hypercore'
import { HeadsError } from './errors'

/** Milliseconds left until `deadline` (ms since the epoch); UPDATE_TIMEOUT once it has passed. */
export function timeLeft (deadline: number, what: string): number {
  const left = Math.floor(deadline - Date.now())
  if (left <= 0) throw new HeadsError('UPDATE_TIMEOUT', `No time was left in the pass to ${what}.`)
  return left
}

/**
 * Makes sure block `length`-1 is stored. Its Merkle path, stored with it, holds what computing
 * the tree at `length` needs, so that tree hash (and `verify` of any version up to `length`)
 * stays computable from our own storage when no peer is there. `failFast`: with no peer
 * connected, give up at once instead of waiting for one (a core already known unreachable).
 */
export async function holdBlock (core: Hypercore, length: number, opts: { deadline: number, failFast: boolean }): Promise<void> {
  const index = length - 1
  if (index < 0 || await core.has(index)) return
  const keyHex = core.key.toString('hex')
  if (opts.failFast && core.peers.length === 0) {
    throw new HeadsError('UPDATE_TIMEOUT', `No peer of core ${keyHex} is connected to send block ${index}.`)
  }
  try {
    await core.get(index, { timeout: timeLeft(opts.deadline, `fetch block ${index} of core ${keyHex}`) })
  } catch (err) {
    if (err instanceof HeadsError) throw err
    const code = (err as { code?: unknown }).code
    if (code === 'REQUEST_TIMEOUT') {
      throw new HeadsError('UPDATE_TIMEOUT', `No peer sent block ${index} of core ${keyHex} (its head at length ${length}) in time.`, { cause: err })
    }
    throw new HeadsError('CORE_FAILED', `Fetching block ${index} of core ${keyHex} failed; retry.`, { cause: err })
  }
}
