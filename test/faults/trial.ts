/**
 * One crash trial, shared by `npm test` (test/faults/recovery.test.ts) and the runner that prints
 * figures (bench/crash-trials.ts): a pass in a service child process is cut by SIGKILL — at a
 * fault point, or at a random moment — then a fresh process settles and checks the ledger.
 */
import type { LocalWriter } from '../heads/helpers'
import { appendN } from '../heads/helpers'
import { childReplicaAt, sealCount, startServiceChild } from './helpers'

export type TrialMode = 'after-journal' | 'after-send' | 'after-mined' | 'after-receipts' | 'random'

export interface TrialOutcome {
  /** Heads of the writer whose receipt a pass acknowledged (returned to its caller) before. */
  acked: number[]
  /** Lengths with no receipt although a pass acknowledged them. */
  lost: number[]
  /** Lengths with more than one receipt, and roots on chain beyond the batches in the log. */
  duplicated: number[]
  orphanRoots: number
  /** Receipts whose verdict on the restarted service is not `verified`. */
  unverified: number
}

interface Receipt { length: number, root: string }

/**
 * Runs one trial on `dataDir` (whose service already watches `writer`, or will on the first
 * trial): the writer grows by one block, a pass starts and is killed, a new process settles.
 */
export async function crashTrial (dataDir: string, writer: LocalWriter, mode: TrialMode, acked: number[], watch: boolean): Promise<TrialOutcome> {
  await appendN(writer.core, 1)
  const doomed = await startServiceChild(dataDir, mode === 'random' ? undefined : mode)
  if (watch) await doomed.send(`watch ${writer.key} 127.0.0.1:${writer.port}`)
  // The pass to cut must hold the new head: wait for the replica, not for the clock.
  await childReplicaAt(doomed, writer.key, writer.core.length)
  const pass = doomed.send('seal')
  if (mode === 'random') {
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)))
    await doomed.kill()
  }
  const answer = await pass as { batch?: { heads: Array<{ key: string, length: number }> } } | null
  for (const h of answer?.batch?.heads ?? []) if (h.key === writer.key) acked.push(h.length)
  await doomed.kill()

  // A fresh process settles what the crash left, then one normal pass acknowledges a new head:
  // later trials crash on top of it, and it must never be lost.
  const service = await startServiceChild(dataDir)
  await service.send('seal')
  await appendN(writer.core, 1)
  await childReplicaAt(service, writer.key, writer.core.length)
  const normal = await service.send('seal') as { batch?: { heads: Array<{ key: string, length: number }> } } | null
  for (const h of normal?.batch?.heads ?? []) if (h.key === writer.key) acked.push(h.length)
  const receipts = listAnswer<Receipt>(await service.send(`receipts ${writer.key}`), 'receipts')
  const batches = listAnswer<{ root: string }>(await service.send('batches'), 'batches')
  const onChain = await sealCount(service.ready.rpc, service.ready.contract)
  const counts = new Map<number, number>()
  for (const r of receipts) counts.set(r.length, (counts.get(r.length) ?? 0) + 1)
  let unverified = 0
  for (const length of counts.keys()) {
    const v = await service.send(`verify ${writer.key} ${length}`) as { status: string }
    if (v.status !== 'verified') unverified++
  }
  await service.send('exit')
  await service.exited
  return {
    acked: [...acked],
    lost: [...new Set(acked)].filter((l) => !counts.has(l)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([l]) => l),
    orphanRoots: Math.max(0, onChain - new Set(batches.map((b) => b.root)).size),
    unverified
  }
}

/** A list the service child answered, or an error that says what it answered instead. */
function listAnswer<T> (answer: unknown, what: string): T[] {
  if (!Array.isArray(answer)) throw new Error(`the restarted service answered ${what} with ${JSON.stringify(answer)}`)
  return answer as T[]
}
