/**
 * The JSON-RPC endpoints the verifier page reads: the sealing chain's, and one per other chain
 * of the trust root in use (a secondary anchor's chain: a later clock). Each is any node the
 * person picks; its answers are checked against the trust root, never taken on its word.
 *
 * The page's Content-Security-Policy (src/api/csp.ts) lets it reach only origins its own URL
 * names, so the URL carries each endpoint's origin, never its full URL (whose path may hold an
 * API key): `rpc=<origin>` for the sealing chain, `anchors=<chainId>:<origin>,…` for the others.
 * The full URLs stay in this tab (storage.ts), like the sealing chain's.
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { savedAnchorRpc, savedRpc } from './storage'
import type { TrustState } from './trust-panel'

export interface Endpoints {
  /** The sealing chain's endpoint ('' when none is known yet). */
  rpc: string
  /** Other chains' endpoints by chain id; '' leaves that chain's clock not checked. */
  anchors: ReadonlyMap<number, string>
}

/** `scheme://host[:port]` of an http(s) URL, or null. */
export function originOf (url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null
  } catch {
    return null
  }
}

/** The chains of the trust root other than the sealing one (its first, as a service lists them): the later clocks' chains. */
export function anchorChains (trust: TrustState): number[] {
  return trust.used.root.chains.slice(1).map((c) => c.chainId)
}

/** `anchors=` of a page URL: chain id → origin; anything that is not `<chainId>:<http(s) origin>` is ignored (the service refuses such a URL anyway). */
export function parseAnchorsParam (text: string | null): Map<number, string> {
  const out = new Map<number, string>()
  for (const item of (text ?? '').split(',')) {
    const at = item.indexOf(':')
    const chainId = Number(item.slice(0, at))
    const origin = originOf(item.slice(at + 1))
    if (at > 0 && Number.isSafeInteger(chainId) && chainId > 0 && origin !== null) out.set(chainId, origin)
  }
  return out
}

/** The `anchors=` value naming the origins of `anchors` (null when there is none). */
export function anchorsParam (anchors: ReadonlyMap<number, string>): string | null {
  const items = [...anchors].flatMap(([chainId, url]) => {
    const origin = originOf(url)
    return origin === null ? [] : [`${chainId}:${origin}`]
  })
  return items.length === 0 ? null : items.join(',')
}

/** The full URL this tab keeps when it is the one the page URL names, else that origin, else the trust root's hint. */
function pick (named: string | null | undefined, saved: string | null, hint: string | undefined): string {
  if (named != null && saved !== null && originOf(saved) === named) return saved
  if (named != null) return named
  return hint ?? ''
}

/** What the page starts with, from its URL (`params`), this tab's storage and the trust root's hints. */
export function initialEndpoints (trust: TrustState, params: URLSearchParams): Endpoints {
  const hintOf = (chainId: number): string | undefined =>
    [trust.used, trust.service].flatMap((t) => t?.root.chains.filter((c) => c.chainId === chainId) ?? []).find((c) => c.rpc.length > 0)?.rpc[0]
  const named = parseAnchorsParam(params.get('anchors'))
  const rpc = pick(originOf(params.get('rpc') ?? ''), savedRpc(), trust.used.root.chains[0]?.rpc[0] ?? trust.service?.root.chains[0]?.rpc[0])
  const anchors = new Map(anchorChains(trust).map((chainId) => [chainId, pick(named.get(chainId), savedAnchorRpc(chainId), hintOf(chainId))]))
  return { rpc, anchors }
}

/**
 * Whether the page's policy lets it reach every endpoint: the service's RPC hints and the origins
 * its URL names. One that is not an http(s) URL is no reason to reload (it would never become
 * reachable): it is refused when used.
 */
export function reachable (trust: TrustState, params: URLSearchParams, endpoints: Endpoints): boolean {
  const allowed = new Set([
    ...(trust.service?.root.chains.flatMap((c) => c.rpc) ?? []).map(originOf),
    originOf(params.get('rpc') ?? ''),
    ...parseAnchorsParam(params.get('anchors')).values()
  ])
  return [endpoints.rpc, ...endpoints.anchors.values()].map(originOf).every((origin) => origin === null || allowed.has(origin))
}

/**
 * The form that picks every endpoint: the sealing chain's, then one field per later clock's
 * chain. What is typed is the form's own state until it is used, so a re-render of the page (a
 * verification's progress) never wipes it.
 */
export function EndpointsPanel (props: { trust: TrustState | null, endpoints: Endpoints, onUse: (endpoints: Endpoints) => void }): VNode {
  const { trust, endpoints } = props
  const chains = trust === null ? [] : anchorChains(trust)
  const [draft, setDraft] = useState<Endpoints>(endpoints)
  useEffect(() => setDraft(endpoints), [endpoints])
  const typed = (chainId: number | null) => (e: Event): void => {
    const value = (e.target as HTMLInputElement).value
    setDraft((d) => (chainId === null ? { ...d, rpc: value } : { ...d, anchors: new Map([...d.anchors, [chainId, value]]) }))
  }
  const submit = (e: Event): void => {
    e.preventDefault()
    props.onUse({ rpc: draft.rpc.trim(), anchors: new Map(chains.map((chainId) => [chainId, (draft.anchors.get(chainId) ?? '').trim()])) })
  }
  return html`
    <form class="panel" onSubmit=${submit}>
      <h2>Chain endpoints</h2>
      <div class="field"><label for="rpc">JSON-RPC URL of chain ${trust?.used.root.chains[0]?.chainId ?? ''}, the one that seals each batch (any node: its answers are checked)</label>
        <input id="rpc" name="rpc" type="url" autocomplete="off" spellcheck=${false} value=${draft.rpc} onInput=${typed(null)} /></div>
      ${chains.map((chainId) => html`
        <div class="field"><label for=${`rpc-${chainId}`}>Endpoint of chain ${chainId}, a later clock (leave it empty and that clock is not checked)</label>
          <input id=${`rpc-${chainId}`} name=${`rpc-${chainId}`} class="endpoint" type="url" autocomplete="off" spellcheck=${false} value=${draft.anchors.get(chainId) ?? ''} onInput=${typed(chainId)} /></div>`)}
      <button type="submit">Use ${chains.length > 0 ? 'these endpoints' : 'this endpoint'}</button>
    </form>`
}
