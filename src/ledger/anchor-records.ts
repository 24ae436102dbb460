/**
 * Later anchors in the receipts log. A receipt is written once, as it was acknowledged when its
 * primary seal was final, and never rewritten (the log is append-only); each later anchor of a
 * batch root (a secondary chain's seal, an RFC 3161 token) is its own entry, and a reader joins
 * them into a v2 receipt (`withAnchors`). So the log keeps exactly what the service acknowledged
 * and when, and serves the latest form. Keys (keys.ts conventions):
 *
 *   anchor!<0xbatchRoot>!<name>            → Anchor   (the anchor of one batch root, with its proof)
 *   anchor-mark!<name>!<throughSeq>        → { name, throughSeq, root }  (an anchor covered batches ..throughSeq)
 */
import { parseAnchor, withAnchors, type Anchor, type Receipt } from '../seal'
import { LedgerError } from './errors'
import * as K from './keys'
import type { LedgerBee } from './ledger-bee'
import type { ReceiptEntry } from './log-records'
import { asStored, Invalid, record, text, uint } from './validate'

const NAME = /^[A-Za-z0-9._:-]{1,64}$/

export interface AnchorMark { name: string, throughSeq: number, root: string }

const anchorPrefix = (root: string): string => `anchor!${K.rootHex(root)}!`
const anchorKey = (root: string, name: string): string => `${anchorPrefix(root)}${K.name(name, 'anchor name')}`
const markPrefix = (name: string): string => `anchor-mark!${K.name(name, 'anchor name')}!`

function parseStoredAnchor (value: unknown): Anchor {
  try {
    return parseAnchor(value)
  } catch (err) {
    throw new Invalid((err as Error).message)
  }
}

function parseMark (value: unknown): AnchorMark {
  const json = record(value, 'anchor mark', ['name', 'throughSeq', 'root'])
  return { name: text(json.name, 'name', NAME), throughSeq: uint(json.throughSeq, 'throughSeq'), root: text(json.root, 'root', /^0x[0-9a-f]{64}$/) }
}

/** Writes one anchor's entries (one per batch root it covers) and its mark, in one append; the same again is a no-op. */
export async function appendAnchor (bee: LedgerBee, mark: AnchorMark, anchors: ReadonlyArray<{ batchRoot: string, anchor: Anchor }>): Promise<void> {
  const checked = parseMark(mark)
  const entries = anchors.map(({ batchRoot, anchor }) => {
    const parsed = parseStoredAnchor(anchor)
    if (parsed.name !== checked.name) throw new LedgerError('BAD_INPUT', `The anchor of ${batchRoot} is named ${parsed.name}, not ${checked.name}.`)
    return { key: anchorKey(batchRoot, checked.name), value: parsed }
  })
  await bee.write(async (tx) => {
    for (const { key, value } of entries) await tx.putOnce(key, value)
    await tx.putOnce(`${markPrefix(checked.name)}${K.pad(checked.throughSeq)}`, checked)
  })
}

/** The latest mark of anchor `name`: which batches its last seal covered; null before its first. */
export async function latestMark (bee: LedgerBee, name: string): Promise<AnchorMark | null> {
  const [last] = await bee.range({ ...K.prefixRange(markPrefix(name)), reverse: true, limit: 1 })
  return last === undefined ? null : asStored(last.key, last.value, parseMark)
}

/** Every later anchor of a batch root, by name. */
export async function anchorsOf (bee: LedgerBee, batchRoot: string): Promise<Anchor[]> {
  const entries = await bee.range(K.prefixRange(anchorPrefix(batchRoot)))
  return entries.map((e) => {
    const anchor = asStored(e.key, e.value, parseStoredAnchor)
    if (e.key !== anchorKey(batchRoot, anchor.name)) throw new LedgerError('CORRUPT_ENTRY', `The ledger entry ${e.key} holds the anchor ${anchor.name}.`)
    return anchor
  })
}

/** The receipts as the log serves them: each with every later anchor of its batch root (v2 when it has any). */
export async function upgradeReceipts (bee: LedgerBee, receipts: readonly Receipt[]): Promise<Receipt[]> {
  const byRoot = new Map<string, Anchor[]>()
  const out: Receipt[] = []
  for (const receipt of receipts) {
    const root = receipt.seal.root
    let anchors = byRoot.get(root)
    if (anchors === undefined) {
      anchors = await anchorsOf(bee, root)
      byRoot.set(root, anchors)
    }
    out.push(withAnchors(receipt, anchors))
  }
  return out
}

/** `upgradeReceipts` for entries: a receipt of a batch after `throughSeq` (no anchor reached it yet) is served as it is, unread. */
export async function upgradeEntries (bee: LedgerBee, entries: readonly ReceiptEntry[], throughSeq: number): Promise<ReceiptEntry[]> {
  const reached = entries.filter((e) => e.batch <= throughSeq)
  const upgraded = await upgradeReceipts(bee, reached.map((e) => e.receipt))
  const byEntry = new Map(reached.map((e, i) => [e, upgraded[i]]))
  return entries.map((e) => {
    const receipt = byEntry.get(e)
    return receipt === undefined ? e : { ...e, receipt }
  })
}
