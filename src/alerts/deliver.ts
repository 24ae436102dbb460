/**
 * One attempt: POST the alert's exact body with fresh signature headers (a new timestamp per
 * attempt), redirects not followed (a webhook that moved is a configuration to fix, and
 * following would send the alert where nobody configured it), the answer read up to a cap.
 */
import type { Signer } from './sign'

/** The receiver's answer body is kept up to this many bytes (for `alerts test` and the log). */
export const ANSWER_MAX_BYTES = 4096

export interface AttemptResult {
  /** HTTP status, or null when the receiver did not answer (refused, timed out, reset). */
  status: number | null
  ok: boolean
  /** The receiver's answer (truncated), or why there was none. */
  answer: string
  error: string | null
}

export async function postAlert (url: string, id: string, body: string, signer: Signer, opts: { timeoutMs: number, signal?: AbortSignal, now?: () => number }): Promise<AttemptResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs)
  const signal = opts.signal === undefined ? timeout : AbortSignal.any([timeout, opts.signal])
  const ts = Math.floor((opts.now?.() ?? Date.now()) / 1000)
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'hyperseal-alerts/1', ...signer.headers(id, body, ts) },
      body,
      redirect: 'manual',
      signal
    })
  } catch (err) {
    // The cause names the network failure (ECONNREFUSED…); the URL never goes into the message.
    const cause = (err as { cause?: { code?: unknown } }).cause?.code
    const why = timeout.aborted ? 'timed out' : typeof cause === 'string' ? cause : (err as Error).name
    return { status: null, ok: false, answer: '', error: `no answer (${why})` }
  }
  const answer = await readCapped(res)
  const ok = res.status >= 200 && res.status < 300
  return { status: res.status, ok, answer, error: ok ? null : `answered ${res.status}` }
}

async function readCapped (res: Response): Promise<string> {
  if (res.body === null) return ''
  const reader = res.body.getReader()
  const parts: Uint8Array[] = []
  let size = 0
  try {
    while (size < ANSWER_MAX_BYTES) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value)
      size += value.length
    }
  } catch {
    // A receiver that cut its answer short still answered with its status.
  } finally {
    await reader.cancel().catch(() => {})
  }
  return Buffer.concat(parts).subarray(0, ANSWER_MAX_BYTES).toString('utf8')
}
