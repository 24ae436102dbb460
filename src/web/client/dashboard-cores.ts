/** Watched cores: searchable (key or label) over the pages loaded, with their last seal and whether they are stale. */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useState } from 'preact/hooks'
import type { CoreRow } from './api-types'
import { ago, count, short, time } from './format'

function state (c: CoreRow): VNode {
  if (c.stale) {
    return html`<span class="badge bad" title=${c.stale.reason}>stale since ${time(c.stale.since)}</span><br /><small>${c.stale.reason}</small>`
  }
  return html`<span class="badge good">live</span>`
}

export function CoresTable (props: { cores: CoreRow[], showPeers: boolean, more: boolean, onMore: () => void }): VNode {
  const [search, setSearch] = useState('')
  const q = search.trim().toLowerCase()
  const shown = q === '' ? props.cores : props.cores.filter((c) => c.key.includes(q) || (c.label ?? '').toLowerCase().includes(q))
  return html`
    <section class="panel" aria-labelledby="cores-title">
      <h2 id="cores-title">Watched cores</h2>
      <div class="field"><label for="core-search">Search by key or label</label>
        <input id="core-search" type="search" value=${search} onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)} /></div>
      <p class="note" aria-live="polite">Showing ${count(shown.length)} of ${count(props.cores.length)} cores loaded${props.more ? ' (more to load)' : ''}.</p>
      <div class="scroll"><table class="cores">
        <thead><tr><th scope="col">Label</th><th scope="col">Key</th><th scope="col">Replica</th><th scope="col">Last seal</th><th scope="col">State</th>${props.showPeers ? html`<th scope="col">Peers</th>` : null}<th scope="col"><span class="sr-only">Verify</span></th></tr></thead>
        <tbody>${shown.map((c) => html`
          <tr data-key=${c.key}>
            <td>${c.label ?? '—'}</td>
            <td><code title=${c.key}>${short(c.key)}</code></td>
            <td>${count(c.length)} (fork ${c.fork})</td>
            <td>${c.lastSeal === null ? 'never' : html`length ${count(c.lastSeal.length)}, <span title=${time(c.lastSeal.sealedAt)}>${ago(c.lastSeal.sealedAt)}</span>`}</td>
            <td>${state(c)}</td>
            ${props.showPeers ? html`<td class="peers">${(c.peers ?? []).join(', ') || '—'}</td>` : null}
            <td>${c.lastSeal === null ? null : html`<a href=${`/verify?key=${c.key}&version=${c.lastSeal.length}`}>verify<span class="sr-only"> ${short(c.key)}</span></a>`}</td>
          </tr>`)}</tbody>
      </table></div>
      ${props.more ? html`<button type="button" onClick=${props.onMore}>Load more cores</button>` : null}
    </section>`
}
