/**
 * The embedded chain's state file, written by us, never by anvil. anvil's own `--state` writes
 * only on exit and every `--state-interval` seconds, in place: a SIGKILL loses the last
 * interval (acknowledged seals with it) and one that lands mid-write leaves a torn file anvil
 * will not load. So anvil only loads the file at start (`--load-state`), and the service dumps
 * the state through anvil's RPC (`anvil_dumpState`: gzipped JSON, the same document `--state`
 * writes) whenever a seal must be durable: temp file, fsync, rename, fsync of the directory.
 * A crash leaves the previous complete file or the new one.
 */
import { gunzipSync } from 'node:zlib'
import { FetchRequest } from 'ethers'
import { writeFileDurably } from '../util'
import { toChainError } from './classify'
import { ChainError } from './errors'

const GZIP = Buffer.from([0x1f, 0x8b])

/** The chain's full state as anvil's `--load-state` reads it (JSON bytes). */
export async function dumpAnvilState (rpcUrl: string, timeoutMs: number): Promise<Buffer> {
  const req = new FetchRequest(rpcUrl)
  req.timeout = timeoutMs
  req.body = { jsonrpc: '2.0', id: 1, method: 'anvil_dumpState', params: [] }
  let result: unknown
  try {
    result = ((await req.send()).bodyJson as { result?: unknown } | null)?.result
  } catch (err) {
    throw toChainError(err, 'to dump the embedded chain state')
  }
  if (typeof result !== 'string' || !/^0x([0-9a-fA-F]{2})+$/.test(result)) {
    throw new ChainError('ANVIL_FAILED', 'anvil answered anvil_dumpState with something that is not hex bytes.')
  }
  const bytes = Buffer.from(result.slice(2), 'hex')
  try {
    return bytes.subarray(0, 2).equals(GZIP) ? gunzipSync(bytes) : bytes
  } catch (err) {
    throw new ChainError('ANVIL_FAILED', 'anvil answered anvil_dumpState with gzip data that does not inflate.', { cause: err })
  }
}

/** Dumps the state of the anvil at `rpcUrl` into `stateFile`; calls run one at a time. */
export function stateSaver (rpcUrl: string, stateFile: string, timeoutMs = 30_000): () => Promise<void> {
  let queue: Promise<unknown> = Promise.resolve()
  return () => {
    const run = queue.then(async () => {
      const bytes = await dumpAnvilState(rpcUrl, timeoutMs)
      try {
        await writeFileDurably(stateFile, bytes)
      } catch (err) {
        throw new ChainError('ANVIL_FAILED', `The embedded chain state could not be written to ${stateFile} (${(err as Error).message}).`, { cause: err })
      }
    })
    queue = run.catch(() => {})
    return run
  }
}
