import type { Command } from 'commander'
import type { PassResult } from '../api'
import { addClientOptions, type ClientOptions } from './client-options'
import { CliError } from './errors'
import { runCommand } from './exit'
import { printResult } from './output'

// A pass waits for its seal to be final (confirmations): allow it time.
const SEAL_TIMEOUT_SEC = 600

/** `hyperseal seal`: run a seal pass now and print its batch. */
export function registerSeal (program: Command): void {
  const cmd = program.command('seal')
    .description('run a seal pass now: seal every changed head in one batch and wait until it is final')
  addClientOptions(cmd, SEAL_TIMEOUT_SEC).action(async (opts: ClientOptions) => runCommand(opts, async () => {
    const { adminToken, apiBase, request, timeoutMs } = await import('./http-client')
    const base = apiBase(opts, process.env)
    const token = adminToken(opts, process.env)
    let pass: PassResult
    try {
      pass = (await request(base, { method: 'POST', path: '/v1/seal', token, timeoutMs: timeoutMs(opts, SEAL_TIMEOUT_SEC) })).body as PassResult
    } catch (err) {
      if (err instanceof CliError && err.serviceCode === 'PASS_RUNNING') {
        throw new CliError('SERVICE_ERROR', 'a seal pass is already running; try again in a moment', { status: err.status, serviceCode: err.serviceCode })
      }
      throw err
    }
    printResult(opts.json, pass, () => passLines(pass))
  }))
}

function passLines (pass: PassResult): string[] {
  const lines: string[] = []
  const b = pass.batch
  if (b === null) {
    lines.push('nothing changed since the last seal: no transaction sent')
  } else {
    lines.push(`sealed ${b.leafCount} head${b.leafCount === 1 ? '' : 's'} in batch ${b.root}`)
    lines.push(`  tx ${b.txHash}, block ${b.blockNumber}, ${b.sealedAt}${b.final ? ', final' : ''}`)
    for (const h of b.heads) lines.push(`  ${h.key} length ${h.length} fork ${h.fork}`)
  }
  for (const s of pass.skipped) lines.push(`skipped ${s.key}: ${s.reason}`)
  for (const i of pass.incidents) {
    lines.push(`INCIDENT ${i.kind} on ${i.key}: sealed length ${i.sealed.length} fork ${i.sealed.fork}, now length ${i.observed.length} fork ${i.observed.fork}`)
  }
  return lines
}
