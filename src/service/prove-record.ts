/**
 * Record proofs from the service's replicas and its receipts log (`GET /v1/proofs/...`): a block,
 * a Hyperbee entry or a Hyperdrive file, proven by src/structures against the earliest seal of the
 * replica's history that covers it. Resealed roots' old receipts are left out (verify-core.ts).
 */
import type { RecordQuestion } from '../api'
import { HeadsError, keyHex, parseKey } from '../heads'
import type { Journal, ReceiptsLog } from '../ledger'
import { recordProofToJson } from '../proof'
import type { Receipt } from '../seal'
import { proveBlock, proveEntry, proveFile, type ProofSource } from '../structures'
import type { StructureRegistry } from './structures'

export interface ProveDeps { log: ReceiptsLog, journal: Journal, structures: StructureRegistry, updateTimeoutMs: number }

export async function proveRecord (deps: ProveDeps, key: string, question: RecordQuestion): Promise<Record<string, unknown>> {
  const hex = keyHex(parseKey(key))
  const resealed = await deps.log.resealedRoots()
  const receiptsOf = async (k: string): Promise<Receipt[]> => (await deps.log.receipts(k)).map((e) => e.receipt).filter((r) => !resealed.has(r.seal.root))
  const open: Array<{ close: () => Promise<void> }> = []
  const source = async (k: string): Promise<ProofSource> => {
    if (await deps.journal.getWatch(k) === null) throw new HeadsError('NOT_WATCHED', `Core ${k} is not watched by this service, so it has no replica to prove from.`)
    const core = await deps.structures.session(k)
    open.push(core)
    return { core, receipts: await receiptsOf(k), timeoutMs: deps.updateTimeoutMs }
  }
  try {
    const db = await source(hex)
    const proof = 'index' in question
      ? await proveBlock(db, hex, question.index)
      : 'entry' in question
        ? await proveEntry(db, hex, question.entry, question.version)
        : await proveFile(db, source, hex, question.file, question.version)
    return recordProofToJson(proof)
  } finally {
    for (const c of open) await c.close().catch(() => {})
  }
}
