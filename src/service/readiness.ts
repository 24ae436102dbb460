import type { ChainClient } from '../chain'
import { errInfo } from '../util'

export interface Readiness { ready: boolean, checks: Record<string, { ok: boolean, detail?: string }> }

/** Readiness: storage open, unfinished batches settled, the chain answering. */
export async function readiness (state: { closed: boolean, recovered: boolean, chain: ChainClient }): Promise<Readiness> {
  const checks: Readiness['checks'] = {
    storage: state.closed ? { ok: false, detail: 'closed' } : { ok: true },
    recovery: state.recovered ? { ok: true } : { ok: false, detail: 'unfinished batches wait for the chain' }
  }
  try {
    checks.chain = { ok: true, detail: `block ${await state.chain.blockNumber()}` }
  } catch (err) {
    checks.chain = { ok: false, detail: errInfo(err).message }
  }
  return { ready: Object.values(checks).every((c) => c.ok), checks }
}
