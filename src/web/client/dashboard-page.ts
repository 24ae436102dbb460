/**
 * `/`: the operator's dashboard, read-only, refreshing itself. Everything comes from the public
 * routes; an auditor or admin token (dashboard-access.ts) adds peers, evidence and reports.
 */
import './styles.css'
import { html, render } from 'htm/preact'
import type { VNode } from 'preact'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { Incident } from '../../seal'
import { shortFingerprint } from '../../trust'
import type { BatchRow, CoreRow, CoresPage, Role, SealerAccount, ServiceInfo } from './api-types'
import { AccessPanel, ReportPanel, roleFor } from './dashboard-access'
import { CoresTable } from './dashboard-cores'
import { IncidentList } from './dashboard-incidents'
import { BatchesTable, SealerPanel } from './dashboard-sealer'
import { bucketsOf, PERIODS, Timeline, type Period } from './dashboard-timeline'
import { getAll, getJson } from './http'
import { PageHeader } from './page-header'
import { savedToken, saveToken } from './storage'

const REFRESH_MS = 15_000

interface Data {
  info: ServiceInfo
  /** The trust root's fingerprint as the service states it (the verifier page computes it itself). */
  fingerprint: string
  cores: CoreRow[]
  nextCores: string | null
  account: SealerAccount
  incidents: { items: Incident[], truncated: boolean }
  batches: { items: BatchRow[], truncated: boolean }
}

async function loadAll (token: string | null, period: Period, corePages: number): Promise<Data> {
  const opts = { token }
  const cores: CoreRow[] = []
  let info: ServiceInfo | null = null
  let next: string | null = null
  for (let page = 0; page < corePages && (page === 0 || next !== null); page++) {
    const { body }: { body: CoresPage } = await getJson<CoresPage>('/v1/cores', page === 0 ? {} : { limit: 100, cursor: next ?? '' }, opts)
    cores.push(...body.cores)
    info = body.service
    next = typeof body.next === 'string' ? body.next : null
  }
  const [trust, account, incidents, batches] = await Promise.all([
    getJson<unknown>('/v1/trust'),
    getJson<SealerAccount>('/v1/sealer'),
    getAll<Incident>('/v1/incidents', 'incidents', {}, { ...opts, maxPages: 5 }),
    getAll<BatchRow>('/v1/batches', 'batches', { from: new Date(Date.now() - PERIODS[period].ms).toISOString() }, { maxPages: 10 })
  ])
  return { info: info!, fingerprint: trust.headers.get('x-hyperseal-trust-fingerprint') ?? 'unknown', cores, nextCores: next, account: account.body, incidents, batches }
}

function Identity ({ info, fingerprint }: { info: ServiceInfo, fingerprint: string }): VNode {
  return html`
    <section class="panel" aria-labelledby="service-title">
      <h2 id="service-title">Service</h2>
      <dl class="facts">
        <dt>Version</dt><dd>Hyperseal ${info.version}</dd>
        <dt>Trust root</dt><dd><span class="fingerprint" data-fingerprint=${fingerprint}>${shortFingerprint(fingerprint)}</span> as the service states it (<a href="/v1/trust">the document</a>; <a href="/verify">the verifier</a> computes it itself and can pin it)</dd>
        <dt>Chain</dt><dd>chain ${info.chainId}${info.embeddedChain ? html` <strong class="warn">(embedded development chain: its administrator can rewrite it)</strong>` : ''}</dd>
        <dt>Contract</dt><dd><code>${info.contract}</code></dd>
        <dt>Receipts log</dt><dd><code>${info.receiptsLog}</code></dd>
        <dt>Seal schedule</dt><dd><code>${info.schedule}</code>, final after ${info.confirmations === 'finalized' ? 'the chain\'s finalized block reaches it' : `${info.confirmations} confirmations`}</dd>
      </dl>
    </section>`
}

function App (): VNode {
  const [token, setToken] = useState<string | null>(savedToken())
  const [role, setRole] = useState<Role>('public')
  const [data, setData] = useState<Data | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [period, setPeriod] = useState<Period>('7d')
  const [corePages, setCorePages] = useState(1)
  const [paused, setPaused] = useState(false)
  const [updated, setUpdated] = useState<Date | null>(null)
  const busy = useRef(false)
  const buckets = useMemo(() => (data === null ? null : bucketsOf(data.batches.items, period)), [data, period])

  const refresh = async (): Promise<void> => {
    if (busy.current) return
    busy.current = true
    try {
      setData(await loadAll(token, period, corePages))
      setUpdated(new Date())
      setError(null)
    } catch (err) {
      setError(`The dashboard could not refresh: ${(err as Error).message}`)
    } finally {
      busy.current = false
    }
  }

  useEffect(() => {
    if (token === null) return setRole('public')
    roleFor(token).then(setRole, () => { saveToken(null); setToken(null) })
  }, [token])
  useEffect(() => { void refresh() }, [token, period, corePages])
  useEffect(() => {
    if (paused) return
    const timer = setInterval(() => { if (!document.hidden) void refresh() }, REFRESH_MS)
    return () => clearInterval(timer)
  }, [paused, token, period, corePages])

  const onToken = async (t: string | null): Promise<string | null> => {
    if (t === null) {
      saveToken(null)
      setToken(null)
      return null
    }
    try {
      setRole(await roleFor(t))
      saveToken(t)
      setToken(t)
      return null
    } catch (err) {
      return (err as Error).message
    }
  }

  const reader = role !== 'public'
  return html`
    <${PageHeader} current="dashboard" />
    <main id="main">
      <h1>Dashboard</h1>
      <p class="status" role="status" aria-live="polite">
        ${updated === null ? 'Loading…' : `Updated ${updated.toLocaleTimeString()}; ${paused ? 'refreshing is paused' : `refreshes every ${REFRESH_MS / 1000} s`}.`}
        ${' '}<button type="button" onClick=${() => setPaused(!paused)}>${paused ? 'Resume refreshing' : 'Pause refreshing'}</button>
      </p>
      ${error !== null ? html`<p class="error" role="alert">${error}</p>` : null}
      ${data === null ? null : html`
        <div class="grid">
          <${Identity} info=${data.info} fingerprint=${data.fingerprint} />
          <${SealerPanel} account=${data.account} />
        </div>
        <${CoresTable} cores=${data.cores} showPeers=${reader} more=${data.nextCores !== null} onMore=${() => setCorePages(corePages + 1)} />
        <${Timeline} period=${period} onPeriod=${setPeriod} buckets=${buckets!} truncated=${data.batches.truncated} />
        <${BatchesTable} account=${data.account} />
        <${IncidentList} incidents=${data.incidents.items} withEvidence=${reader} truncated=${data.incidents.truncated} />`}
      <${AccessPanel} role=${role} onToken=${onToken} />
      ${reader && token !== null ? html`<${ReportPanel} token=${token} />` : null}
    </main>`
}

render(html`<${App} />`, document.getElementById('app')!)
