/**
 * `/verify`: anyone checks a core's version in their own browser, trusting the service for
 * nothing (verify-run.ts). The URL carries the question (`/verify?key=…&version=…`) so a verdict
 * can be linked, and the origins of the RPC endpoints in use (`&rpc=<origin>`, and
 * `&anchors=<chainId>:<origin>,…` for the later clocks' chains), which is what the page's
 * Content-Security-Policy lets it reach (src/api/csp.ts); the full RPC URLs stay in this tab,
 * since their paths may hold an API key (endpoints.ts).
 */
import './styles.css'
import { html, render } from 'htm/preact'
import type { VNode } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { Receipt } from '../../seal'
import { readDroppedFile } from './dropped-file'
import { anchorsParam, EndpointsPanel, initialEndpoints, originOf, reachable, type Endpoints } from './endpoints'
import { PageHeader } from './page-header'
import { verifyProofInBrowser, type ProofRun } from './proof-run'
import { ProofView } from './proof-view'
import { saveAnchorRpc, saveRpc, saveTrust } from './storage'
import { loadPinned, pinFromFile, TrustPanel, type TrustState } from './trust-panel'
import { VerdictView } from './verdict-view'
import { fetchServiceTrust, verifyInBrowser, type VerifyRun } from './verify-run'

type RunState =
  | { state: 'idle' } | { state: 'running', step: string } | { state: 'error', message: string }
  | { state: 'done', run: VerifyRun } | { state: 'proof', run: ProofRun }

const params = new URLSearchParams(location.search)
const KEY = /^[0-9a-fA-F]{64}$/

/** The page's own URL for a question and the endpoints' origins. */
function pageUrl (q: { key?: string, version?: string, rpc?: string | null, anchors?: string | null }): string {
  const p = new URLSearchParams()
  if (q.key) p.set('key', q.key)
  if (q.version) p.set('version', q.version)
  if (q.rpc) p.set('rpc', q.rpc)
  if (q.anchors) p.set('anchors', q.anchors)
  const text = p.toString()
  return `/verify${text === '' ? '' : `?${text}`}`
}

const NO_RPC = 'Give the JSON-RPC endpoint of the chain (an http or https URL).'

/** The endpoint origins the page URL names now, kept as the question changes. */
const namedOrigins = (): { rpc: string | null, anchors: string | null } => ({ rpc: params.get('rpc'), anchors: params.get('anchors') })

/** The later clocks' endpoints to read: those given; a malformed one is refused with the chain it is for. */
function anchorUrls (endpoints: Endpoints): Map<number, string> {
  const given = [...endpoints.anchors].filter(([, url]) => url !== '')
  const bad = given.find(([, url]) => originOf(url) === null)
  if (bad !== undefined) throw new Error(`The endpoint of chain ${bad[0]} must be an http or https URL (or empty, to leave that clock not checked).`)
  return new Map(given)
}

function App (): VNode {
  const [trust, setTrust] = useState<TrustState | null>(null)
  const [trustError, setTrustError] = useState<string | null>(null)
  const [endpoints, setEndpoints] = useState<Endpoints>({ rpc: '', anchors: new Map() })
  const [key, setKey] = useState(params.get('key') ?? '')
  const [version, setVersion] = useState(params.get('version') ?? '')
  const [fileReceipts, setFileReceipts] = useState<Receipt[] | null>(null)
  const [run, setRun] = useState<RunState>({ state: 'idle' })

  /** Remembers the endpoints in this tab and reloads the page naming their origins (its policy then allows them). */
  const useEndpoints = (e: Endpoints, q = { key, version }): void => {
    saveRpc(e.rpc)
    for (const [chainId, url] of e.anchors) saveAnchorRpc(chainId, url)
    location.assign(pageUrl({ ...q, rpc: originOf(e.rpc), anchors: anchorsParam(e.anchors) }))
  }

  const start = async (t: TrustState, e: Endpoints, k: string, v: string, receipts: Receipt[] | null): Promise<void> => {
    const n = Number(v)
    if (!KEY.test(k)) return setRun({ state: 'error', message: 'The core key must be 64 hex characters.' })
    if (!Number.isSafeInteger(n) || n < 1) return setRun({ state: 'error', message: 'The version must be a whole number of at least 1 (version v means blocks 0 to v−1).' })
    if (originOf(e.rpc) === null) return setRun({ state: 'error', message: NO_RPC })
    history.replaceState(null, '', pageUrl({ key: k, version: v, ...namedOrigins() }))
    setRun({ state: 'running', step: 'Starting…' })
    try {
      const anchorRpcs = anchorUrls(e)
      const result = await verifyInBrowser({ key: k, version: n, rpcUrl: e.rpc, anchorRpcs, trust: t.used, ...(receipts ? { fileReceipts: receipts } : {}), onStep: (step) => setRun({ state: 'running', step }) })
      setRun({ state: 'done', run: result })
    } catch (err) {
      setRun({ state: 'error', message: (err as Error).message })
    }
  }

  useEffect(() => {
    void (async () => {
      const pinned = loadPinned()
      let service = null
      try {
        service = (await fetchServiceTrust()).trust
      } catch (err) {
        if (pinned === null) return setTrustError(`The service's trust root could not be read or is not valid (${(err as Error).message}); pin one from a file.`)
      }
      const state: TrustState = { used: pinned ?? service!, pinned: pinned !== null, service }
      setTrust(state)
      const first = initialEndpoints(state, params)
      // A pinned root may name an RPC this page's policy does not allow yet: reload naming it.
      if (!reachable(state, params, first)) return useEndpoints(first)
      setEndpoints(first)
      if (params.get('key') !== null && params.get('version') !== null) await start(state, first, key, version, null)
    })()
  }, [])

  /** A record proof stands alone: no key, no version, no service; the URL keeps only the RPC origin. */
  const startProof = async (t: TrustState, rpcUrl: string, document: unknown): Promise<void> => {
    if (originOf(rpcUrl) === null) return setRun({ state: 'error', message: NO_RPC })
    history.replaceState(null, '', pageUrl(namedOrigins()))
    setRun({ state: 'running', step: 'Starting…' })
    try {
      setRun({ state: 'proof', run: await verifyProofInBrowser({ document, rpcUrl, trust: t.used, onStep: (step) => setRun({ state: 'running', step }) }) })
    } catch (err) {
      setRun({ state: 'error', message: (err as Error).message })
    }
  }

  const onDrop = async (file: File): Promise<void> => {
    try {
      const dropped = readDroppedFile(await file.text())
      if (dropped.kind === 'record') {
        if (trust !== null) await startProof(trust, endpoints.rpc, dropped.document)
        return
      }
      setKey(dropped.key)
      setVersion(String(dropped.version))
      setFileReceipts(dropped.receipts)
      if (trust !== null) await start(trust, endpoints, dropped.key, String(dropped.version), dropped.receipts)
    } catch (err) {
      setRun({ state: 'error', message: `${file.name}: ${(err as Error).message}` })
    }
  }

  return html`
    <${PageHeader} current="verify" />
    <main id="main">
      <h1>Verify a version of a Hypercore</h1>
      <p class="lead">Your browser checks the writer's signature, the seal on chain and the replica's Hypercore proofs itself; the service is trusted for nothing.</p>
      ${trustError !== null ? html`<p class="error" role="alert">${trustError}</p>` : null}
      <form class="panel" onSubmit=${(e: Event) => { e.preventDefault(); if (trust !== null) void start(trust, endpoints, key.trim(), version.trim(), fileReceipts) }}>
        <div class="field"><label for="key">Core key (64 hex characters)</label>
          <input id="key" name="key" autocomplete="off" spellcheck=${false} required value=${key} onInput=${(e: Event) => { setKey((e.target as HTMLInputElement).value); setFileReceipts(null) }} /></div>
        <div class="field"><label for="version">Version (blocks 0 to version − 1)</label>
          <input id="version" name="version" inputmode="numeric" required value=${version} onInput=${(e: Event) => setVersion((e.target as HTMLInputElement).value)} /></div>
        <button type="submit" disabled=${trust === null || run.state === 'running'}>Verify</button>
        <div class="field drop" onDragOver=${(e: DragEvent) => e.preventDefault()}
          onDrop=${(e: DragEvent) => { e.preventDefault(); const f = e.dataTransfer?.files[0]; if (f !== undefined && trust !== null) void onDrop(f) }}>
          <label for="receipt-file">Or a receipt file (<code>hyperseal receipts export</code>) or a record proof (<code>hyperseal prove</code>): choose it or drop it here</label>
          <input id="receipt-file" type="file" accept="application/json,.json" disabled=${trust === null} onChange=${(e: Event) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f !== undefined) void onDrop(f) }} /></div>
      </form>
      <div class="status" role="status" aria-live="polite">${run.state === 'running' ? run.step : ''}</div>
      ${run.state === 'error' ? html`<p class="error" role="alert">${run.message}</p>` : null}
      ${run.state === 'done' ? html`<${VerdictView} run=${run.run} />` : null}
      ${run.state === 'proof' ? html`<${ProofView} run=${run.run} />` : null}
      <${EndpointsPanel} trust=${trust} endpoints=${endpoints} onUse=${(e: Endpoints) => {
        try {
          if (originOf(e.rpc) === null) throw new Error(NO_RPC)
          anchorUrls(e)
          useEndpoints(e)
        } catch (err) { setRun({ state: 'error', message: (err as Error).message }) }
      }} />
      ${trust !== null
        ? html`<${TrustPanel} state=${trust}
            onPin=${async (file: File) => { try { const p = await pinFromFile(file); setTrust({ ...trust, used: p, pinned: true }) } catch (err) { setRun({ state: 'error', message: (err as Error).message }) } }}
            onForget=${() => { saveTrust(null); if (trust.service !== null) setTrust({ used: trust.service, pinned: false, service: trust.service }) }} />`
        : null}
    </main>`
}

render(html`<${App} />`, document.getElementById('app')!)
