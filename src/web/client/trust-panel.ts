/**
 * The trust root the verifier checks against. Pinned from a file (kept in this browser), the
 * service's `/v1/trust` is only compared with it; not pinned, the service's own is used and the
 * page says so, since a service that lies could then also name a contract of its own.
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { pin, type PinnedTrust } from '../../evidence'
import { parseTrustRoot, shortFingerprint } from '../../trust'
import { savedTrust, saveTrust } from './storage'

export interface TrustState {
  /** What verification uses: the pinned root, else the service's. */
  used: PinnedTrust
  pinned: boolean
  /** The service's root as fetched and fingerprinted here (null if it could not be read). */
  service: PinnedTrust | null
}

/** The pinned trust root kept in this browser, or null (a broken one is forgotten). */
export function loadPinned (): PinnedTrust | null {
  const text = savedTrust()
  if (text === null) return null
  try {
    return pin(parseTrustRoot(JSON.parse(text)))
  } catch {
    saveTrust(null)
    return null
  }
}

/** Reads a trust root file; throws with a message a person can act on. */
export async function pinFromFile (file: File): Promise<PinnedTrust> {
  const text = await file.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error(`${file.name} is not JSON: export a trust root with \`hyperseal trust export\`.`)
  }
  const pinned = pin(parseTrustRoot(json))
  saveTrust(JSON.stringify(pinned.root))
  return pinned
}

export function TrustPanel (props: { state: TrustState, onPin: (file: File) => void, onForget: () => void }): VNode {
  const { state } = props
  const same = state.service !== null && state.service.fingerprint === state.used.fingerprint
  return html`
    <section class="panel" aria-labelledby="trust-title">
      <h2 id="trust-title">Trust root</h2>
      <p>
        <span class="fingerprint" data-fingerprint=${state.used.fingerprint}>${shortFingerprint(state.used.fingerprint)}</span>
        ${' '}${state.used.root.name}
      </p>
      <p data-trust-source=${state.pinned ? 'pinned' : 'service'}>
        ${state.pinned
          ? (same ? 'Pinned from your file; the service serves the same root.' : html`<strong class="warn">Pinned from your file; the service now serves a different root${state.service !== null ? html` (${shortFingerprint(state.service.fingerprint)})` : ''}. Verification uses your pinned root.</strong>`)
          : 'Served by this service and not pinned: compare its fingerprint with one you got over a channel you trust, then pin the file.'}
      </p>
      <div class="row">
        <label for="trust-file">Pin a trust root from a file</label>
        <input id="trust-file" type="file" accept="application/json,.json" onChange=${(e: Event) => {
          const file = (e.target as HTMLInputElement).files?.[0]
          if (file !== undefined) props.onPin(file)
        }} />
        ${state.pinned ? html`<button type="button" onClick=${props.onForget}>Forget the pinned root</button>` : null}
      </div>
    </section>`
}
