import type { Command } from 'commander'
import { addClientOptions, type ClientOptions } from './client-options'
import { CliError } from './errors'
import { runCommand } from './exit'
import { EXIT } from './exit-codes'
import { printResult } from './output'

// A `finalized` anchor waits for its chain's finalized tag (bounded at 10 minutes per run).
const ANCHOR_TIMEOUT_SEC = 900
/** As the config allows an anchor's name (src/config/anchors.ts). */
const NAME = /^[A-Za-z0-9._:-]{1,64}$/

interface AnchorRuns { runs: Array<{ name: string, ok: boolean, error?: { code: string, message: string } }> }

/** `hyperseal anchor [name...]`: run the later anchors now, not at their next tick. */
export function registerAnchor (program: Command): void {
  const cmd = program.command('anchor')
    .argument('[names...]', 'the anchors to run, as named in the anchors file (default: every one)')
    .description('run the later anchors now (a secondary chain, a timestamp authority): each covers every batch since its last run; exits 1 if any run failed')
  addClientOptions(cmd, ANCHOR_TIMEOUT_SEC).action(async (names: string[], opts: ClientOptions) => runCommand(opts, async () => {
    const bad = names.find((n) => !NAME.test(n))
    if (bad !== undefined) throw new CliError('BAD_INPUT', `"${bad}" is not an anchor name: 1 to 64 characters of A-Z a-z 0-9 . _ : -`)
    const { adminToken, apiBase, request, timeoutMs } = await import('./http-client')
    const base = apiBase(opts, process.env)
    const query = names.length === 0 ? '' : `?anchors=${encodeURIComponent([...new Set(names)].join(','))}`
    let answer: AnchorRuns
    try {
      answer = (await request(base, { method: 'POST', path: `/v1/anchors/run${query}`, token: adminToken(opts, process.env), timeoutMs: timeoutMs(opts, ANCHOR_TIMEOUT_SEC) })).body as AnchorRuns
    } catch (err) {
      // A name the service does not know is the caller's input to fix.
      if (err instanceof CliError && err.serviceCode === 'NO_SUCH_ANCHOR') throw new CliError('BAD_INPUT', err.message, { status: err.status, serviceCode: err.serviceCode })
      throw err
    }
    printResult(opts.json, answer, () => answer.runs.length === 0
      ? ['no later anchors are configured: the primary chain is the only clock']
      : answer.runs.map((r) => r.ok ? `${r.name}: ran; every batch so far is covered` : `${r.name}: FAILED (${r.error?.code ?? 'INTERNAL'}): ${r.error?.message ?? ''} Its next run covers these batches; the service log has the details.`))
    if (answer.runs.some((r) => !r.ok)) process.exitCode = EXIT.FAILED
  }))
}
