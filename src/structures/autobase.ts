/**
 * An Autobase read from its cores, without the application's code (autobase 7.28's own
 * encodings, `lib/messages.js` and `lib/system.js`):
 * - the Autobase key is its bootstrap writer's oplog core; every block is an `OplogMessage`, and
 *   an indexer's carries a `digest` naming the system core (`{ key }`, or `{ pointer: p }`: the
 *   key is in the digest of block `length - p - 1`, autobase `CheckpointCore._inflateDigest`);
 * - the system core is a Hyperbee; each flush ends with its `info` record (`Info`: the indexers'
 *   oplog keys and every view's key and indexed length, in the order the application's `open`
 *   made them). View *names* are not stored anywhere (only hashed into each view's signer
 *   namespace), so a view is named by its position: telling which is `messages` needs the app.
 * - An encrypted Autobase encrypts oplog and system blocks: none of this can be read without
 *   its encryption key, and its views must be watched by key.
 */
import type Hypercore from 'hypercore'
import c from 'compact-encoding'
import messages from 'autobase/lib/messages.js'
import SystemView from 'autobase/lib/system.js'

export interface AutobaseView { key: string, length: number }

/** What the system core's latest `info` record at or below a length says. */
export interface AutobaseInfo {
  /** The system length that record ends (a flush boundary). */
  systemLength: number
  /** The indexers' oplog core keys. */
  indexers: string[]
  /** Each view's key and indexed length, in the application's order. */
  views: AutobaseView[]
}

function decodeOplog (block: Buffer): ReturnType<typeof messages.OplogMessage.decode> | null {
  try {
    return c.decode(messages.OplogMessage, block)
  } catch {
    return null
  }
}

/** Whether `block` is an Autobase oplog message (how a writer's core is told from a plain one). */
export function isOplogBlock (block: Buffer): boolean {
  return decodeOplog(block) !== null
}

/**
 * The system core the writer core `core` names in its latest digest (hex), or null when its last
 * block is no oplog message with a digest (not an Autobase indexer, or not readable within
 * `timeoutMs`; 0: stored blocks only).
 */
export async function systemKeyOf (core: Hypercore, timeoutMs: number): Promise<string | null> {
  const read = async (index: number): Promise<Buffer | null> => {
    try {
      return await core.get(index, timeoutMs > 0 ? { timeout: timeoutMs } : { wait: false })
    } catch {
      return null
    }
  }
  const length = core.length
  if (length === 0) return null
  const last = await read(length - 1)
  const digest = last === null ? null : decodeOplog(last)?.digest ?? null
  if (digest === null) return null
  if (digest.pointer === 0) return digest.key === null ? null : digest.key.toString('hex')
  const at = length - digest.pointer
  if (at <= 0) return null
  const pointed = await read(at - 1)
  const key = pointed === null ? null : decodeOplog(pointed)?.digest?.key ?? null
  return key === null ? null : key.toString('hex')
}

/**
 * The latest `info` record of the system core `system` below `length` (default: its length),
 * reading each block with `timeoutMs` (0: stored blocks only, never waiting); null when there is
 * none (an empty system core) or, with 0, when its last block is not stored.
 */
export async function systemInfoAt (system: Hypercore, timeoutMs: number, length = system.length): Promise<AutobaseInfo | null> {
  if (length === 0) return null
  // SystemView.flushes first gets block length-1 with no bound of its own: only when stored (0) or within the session's timeout.
  if (timeoutMs === 0 && !await system.has(length - 1)) return null
  const session = system.session({ timeout: timeoutMs })
  try {
    for await (const { length: systemLength, info } of SystemView.flushes(session, { lt: length, wait: timeoutMs > 0 })) {
      return {
        systemLength,
        indexers: info.indexers.map((i) => i.key.toString('hex')),
        views: info.views.map((v) => ({ key: v.key.toString('hex'), length: v.length }))
      }
    }
    return null
  } finally {
    await session.close().catch(() => {})
  }
}
