/**
 * The intent of a secondary anchor, written to the journal before its seal is sent: the anchor
 * root and the batch roots (and through which batch) it covers. After a crash between "mined"
 * and "recorded", the next run finishes *this* root (finds it on chain, or sends it) before it
 * covers newer batches, so no root is ever sealed on chain without its records (an orphan: gas
 * spent on a root nobody can explain). Journal state `anchor-intent:<name>`:
 *
 *   { "root": "0x…", "throughSeq": 41, "roots": ["0x…", …] }   (null once recorded)
 */
import { LedgerError, type Journal } from '../ledger'
import { buildAnchorTree } from '../seal'

export interface AnchorIntent { root: string, throughSeq: number, roots: string[] }

const BYTES32 = /^0x[0-9a-f]{64}$/
const stateName = (anchor: string): string => `anchor-intent:${anchor}`

/** The journal is this service's own, but read back from disk: a malformed entry is a corrupt journal, never a guess. */
function parseIntent (anchor: string, value: unknown): AnchorIntent | null {
  if (value === null || value === undefined) return null
  const v = value as Partial<AnchorIntent>
  const ok = typeof v === 'object' && typeof v.root === 'string' && BYTES32.test(v.root) &&
    Number.isSafeInteger(v.throughSeq) && (v.throughSeq as number) >= 0 &&
    Array.isArray(v.roots) && v.roots.length > 0 && v.roots.every((r) => typeof r === 'string' && BYTES32.test(r))
  if (!ok) throw new LedgerError('CORRUPT_ENTRY', `The journal's intent of anchor ${anchor} is malformed.`)
  const intent = { root: v.root as string, throughSeq: v.throughSeq as number, roots: v.roots as string[] }
  if (buildAnchorTree(intent.roots).root !== intent.root) throw new LedgerError('CORRUPT_ENTRY', `The journal's intent of anchor ${anchor} names a root its batch roots do not make.`)
  return intent
}

export async function readIntent (journal: Journal, anchor: string): Promise<AnchorIntent | null> {
  return parseIntent(anchor, await journal.getState(stateName(anchor)))
}

export async function writeIntent (journal: Journal, anchor: string, intent: AnchorIntent): Promise<void> {
  await journal.setState(stateName(anchor), intent)
}

export async function clearIntent (journal: Journal, anchor: string): Promise<void> {
  await journal.setState(stateName(anchor), null)
}
