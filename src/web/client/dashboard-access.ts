/**
 * The token, asked for only where it is needed: the public sees the public dashboard; an auditor
 * or admin token adds peer addresses, incident evidence and audit reports. The token stays in this
 * tab (sessionStorage) and goes out only in the Authorization header.
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useState } from 'preact/hooks'
import type { Role } from './api-types'
import { download, getBlob, getJson } from './http'

/** The role `token` gives; throws the service's own message for a token valid for no role. */
export async function roleFor (token: string | null): Promise<Role> {
  return (await getJson<{ role: Role }>('/v1/role', {}, { token })).body.role
}

export function AccessPanel (props: { role: Role, onToken: (token: string | null) => Promise<string | null> }): VNode {
  const [error, setError] = useState<string | null>(null)
  return html`
    <section class="panel" aria-labelledby="access-title">
      <h2 id="access-title">Access</h2>
      <p data-role=${props.role}>You see the ${props.role === 'public' ? 'public dashboard' : `dashboard as ${props.role === 'admin' ? 'an admin' : 'an auditor'}`}.</p>
      ${props.role === 'public'
        ? html`<form onSubmit=${async (e: Event) => {
            e.preventDefault()
            const input = (e.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement
            setError(await props.onToken(input.value.trim()))
            input.value = ''
          }}>
            <div class="field"><label for="token">Auditor or admin token (for peers, evidence and reports)</label>
              <input id="token" name="token" type="password" autocomplete="off" required /></div>
            <button type="submit">Use the token</button>
          </form>`
        : html`<button type="button" onClick=${() => { void props.onToken(null) }}>Forget the token</button>`}
      ${error !== null ? html`<p class="error" role="alert">${error}</p>` : null}
    </section>`
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

export function ReportPanel ({ token }: { token: string }): VNode {
  const [status, setStatus] = useState<{ error: boolean, text: string } | null>(null)
  const now = Date.now()
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const value = (name: string): string => (form.elements.namedItem(name) as HTMLInputElement).value
    const [from, to, format] = [value('from'), value('to'), value('format')]
    setStatus({ error: false, text: 'Building the signed report (it re-checks every seal on chain)…' })
    try {
      download(await getBlob('/v1/reports/audit', { from, to, format }, { token }), `hyperseal-audit-${from}_${to}.${format}`)
      setStatus({ error: false, text: 'The report was downloaded.' })
    } catch (err) {
      setStatus({ error: true, text: (err as Error).message })
    }
  }
  return html`
    <section class="panel" aria-labelledby="report-title">
      <h2 id="report-title">Audit report</h2>
      <form class="row" onSubmit=${submit}>
        <div class="field"><label for="report-from">From</label><input id="report-from" name="from" type="date" required value=${day(now - 30 * 86400_000)} /></div>
        <div class="field"><label for="report-to">To (not included)</label><input id="report-to" name="to" type="date" required value=${day(now + 86400_000)} /></div>
        <div class="field"><label for="report-format">Format</label>
          <select id="report-format" name="format"><option value="html">HTML</option><option value="pdf">PDF</option><option value="json">signed JSON</option></select></div>
        <button type="submit">Download the report</button>
      </form>
      ${status !== null ? html`<p class=${status.error ? 'error' : 'note'} role=${status.error ? 'alert' : 'status'}>${status.text}</p>` : null}
    </section>`
}
