/** Incidents in plain words (the audit report's own sentences), each downloadable as evidence. */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { incidentMeaning } from '../../report'
import type { Incident } from '../../seal'
import { short, time } from './format'
import { download } from './http'

function save (i: Incident): void {
  download(new Blob([JSON.stringify(i, null, 2) + '\n'], { type: 'application/json' }), `incident-${i.kind}-${i.key.slice(0, 8)}-${i.detectedAt.replace(/[:.]/g, '-')}.json`)
}

export function IncidentList (props: { incidents: Incident[], withEvidence: boolean, truncated: boolean }): VNode {
  return html`
    <section class="panel" aria-labelledby="incidents-title">
      <h2 id="incidents-title">Incidents</h2>
      ${props.incidents.length === 0 ? html`<p>No rewind or fork was ever detected.</p>` : null}
      ${props.withEvidence ? null : html`<p class="note">The downloads hold the signed heads any verifier checks; the details of the evidence (such as which peer showed it) need the auditor token.</p>`}
      <ul class="incidents">${props.incidents.map((i) => html`
        <li class=${`incident ${i.kind}`} data-kind=${i.kind} data-key=${i.key}>
          <h3><span class="badge bad">${i.kind}</span> core <code title=${i.key}>${short(i.key)}</code>, detected ${time(i.detectedAt)}</h3>
          <p>${incidentMeaning(i)}</p>
          ${i.agreed !== undefined && i.agreed.length > 0 ? html`<p>Both histories are proven the same up to length ${i.agreed.length}; versions up to it stay verified.</p>` : null}
          <button type="button" onClick=${() => save(i)}>Download the evidence (JSON)<span class="sr-only"> of the ${i.kind} of ${short(i.key)}</span></button>
        </li>`)}</ul>
      ${props.truncated ? html`<p class="note">Only the first pages of incidents are shown.</p>` : null}
    </section>`
}
