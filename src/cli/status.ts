import type { Command } from 'commander'
import type { CoreView, ServiceInfo } from '../api'
import type { PassSummary } from '../ledger'
import { addClientOptions, type ClientOptions } from './client-options'
import { runCommand } from './exit'
import { printResult } from './output'

interface Readiness { ready: boolean, checks: Record<string, { ok: boolean, detail?: string }> }

/** `hyperseal status`: the service, its readiness, the watched cores with their last seals, the incident count. */
export function registerStatus (program: Command): void {
  const cmd = program.command('status')
    .description('show the running service: chain and contract, readiness, the last seal pass, watched cores and their last seals, incidents')
  addClientOptions(cmd, 30).action(async (opts: ClientOptions) => runCommand(opts, async () => {
    const { apiBase, request, timeoutMs } = await import('./http-client')
    const { countAll, walkAll } = await import('./pages')
    const base = apiBase(opts, process.env)
    const ms = timeoutMs(opts, 30)
    let service: ServiceInfo | undefined
    const cores = await walkAll<CoreView>(base, '/v1/cores', 'cores', { timeoutMs: ms, onPage: (page) => { service = page.service as ServiceInfo } })
    // 503 is /ready's answer when a check fails: part of the status, not a failure of this command.
    const readiness = (await request(base, { method: 'GET', path: '/ready', timeoutMs: ms, accept: [503] })).body as Readiness
    // Counted page by page (1,000 a request), not kept: exact, and bounded in memory.
    const incidents = await countAll(base, '/v1/incidents', 'incidents', { timeoutMs: ms })
    const { passes } = (await request(base, { method: 'GET', path: '/v1/status', timeoutMs: ms })).body as { passes: PassSummary }
    const ready = { ready: readiness.ready, checks: readiness.checks }
    printResult(opts.json, { service, ready, passes, cores, incidents }, () => statusLines(service!, ready, cores, incidents, passes))
  }))
}

function passLine (passes: PassSummary): string {
  if (passes.last === null) return 'none yet'
  const last = `${passes.last.outcome}${passes.last.code === undefined ? '' : ` (${passes.last.code})`} at ${passes.last.at}`
  return passes.failedInARow > 1 ? `${last}; ${passes.failedInARow} failed in a row` : last
}

function finality (confirmations: number | 'finalized'): string {
  if (confirmations === 'finalized') return 'final once the chain\'s finalized block reaches the seal'
  return `${confirmations} confirmation${confirmations === 1 ? '' : 's'}`
}

function statusLines (service: ServiceInfo, readiness: Readiness, cores: CoreView[], incidents: number, passes: PassSummary): string[] {
  const failed = Object.entries(readiness.checks ?? {}).filter(([, c]) => !c.ok).map(([n, c]) => (c.detail ? `${n} (${c.detail})` : n))
  const lines = [
    `service       hyperseal ${service.version}, chain ${service.chainId}${service.embeddedChain ? ' (embedded anvil)' : ''}`,
    // Older services do not say their RPC: the line is left out rather than made up.
    ...(service.rpc !== undefined ? [`rpc           ${service.rpc}`] : []),
    `contract      ${service.contract}`,
    `sealer        ${service.sealer ?? 'none (verify only)'}`,
    `schedule      ${service.schedule}, ${finality(service.confirmations)}`,
    `receipts log  ${service.receiptsLog}`,
    `ready         ${readiness.ready ? 'yes' : `no: ${failed.join(', ')}`}`,
    `last pass     ${passLine(passes)}`,
    `incidents     ${incidents}`,
    `cores         ${cores.length} watched, ${cores.filter((c) => c.stale !== null).length} stale`
  ]
  for (const c of cores) {
    const seal = c.lastSeal === null ? 'never sealed' : `last sealed at length ${c.lastSeal.length} fork ${c.lastSeal.fork}, ${c.lastSeal.sealedAt}`
    lines.push(`  ${c.key}  length ${c.length} fork ${c.fork}  ${seal}${c.label === null || c.label === undefined ? '' : `  "${c.label}"`}`)
    if (c.stale !== null && c.stale !== undefined) {
      const head = c.stale.lastHead === null ? 'no head seen' : `last head length ${c.stale.lastHead.length} fork ${c.stale.lastHead.fork}`
      lines.push(`    STALE since ${c.stale.since} (${head}): ${c.stale.reason}`)
    }
  }
  return lines
}
