import type { Command } from 'commander'
import type { AlertsOverview, TestAnswer } from '../alerts'
import { addClientOptions, type ClientOptions } from './client-options'
import { runCommand } from './exit'
import { EXIT } from './exit-codes'
import { printResult } from './output'

// A test waits for every receiver's answer (each bounded by the service at 10 s).
const TEST_TIMEOUT_SEC = 60

/**
 * `hyperseal alerts test`: the service sends a signed test alert to every webhook now; each
 * receiver's answer is printed, and the exit code is 1 when any did not answer 2xx.
 * `hyperseal alerts list`: the receivers, the signing, and recent deliveries with their state.
 */
export function registerAlerts (program: Command): void {
  const alerts = program.command('alerts').description('webhook alerts: send a test alert, list recent deliveries')
  addClientOptions(alerts.command('test').description('send a signed test alert to every configured webhook and print each receiver\'s answer'), TEST_TIMEOUT_SEC)
    .action(async (opts: ClientOptions) => runCommand(opts, async () => {
      const { adminToken, apiBase, request, timeoutMs } = await import('./http-client')
      const answer = (await request(apiBase(opts, process.env), { method: 'POST', path: '/v1/alerts/test', token: adminToken(opts, process.env), timeoutMs: timeoutMs(opts, TEST_TIMEOUT_SEC) })).body as { answers: TestAnswer[] }
      printResult(opts.json, answer, () => answer.answers.flatMap((a) => [
        `${a.receiver}: ${a.ok ? 'ok' : 'FAILED'} ${a.status === null ? `(${a.error ?? 'no answer'})` : `HTTP ${a.status}`}`,
        ...(a.answer === '' ? [] : [`  ${a.answer.replace(/\s*\n\s*/g, ' ').slice(0, 500)}`])
      ]))
      if (answer.answers.some((a) => !a.ok)) process.exitCode = EXIT.FAILED
    }))
  addClientOptions(alerts.command('list').description('list the webhook receivers and recent alert deliveries with their state'), 30)
    .action(async (opts: ClientOptions) => runCommand(opts, async () => {
      const { adminToken, apiBase, request, timeoutMs } = await import('./http-client')
      const view = (await request(apiBase(opts, process.env), { method: 'GET', path: '/v1/alerts', token: adminToken(opts, process.env), timeoutMs: timeoutMs(opts, 30) })).body as AlertsOverview
      printResult(opts.json, view, () => [
        `receivers: ${view.receivers.length === 0 ? 'none configured' : view.receivers.join(', ')}`,
        `signing: ${view.signing ?? 'none'}${view.publicKey === null ? '' : ` (public key ${view.publicKey})`}`,
        `pending: ${view.pending} of at most ${view.maxPending}`,
        ...view.deliveries.map((d) => `${d.at}  ${d.state.padEnd(9)} ${d.kind.padEnd(13)} ${d.receiver}  attempts ${d.attempts}${d.lastError === null ? '' : `  (${d.lastError})`}  ${d.summary}`)
      ])
    }))
}
