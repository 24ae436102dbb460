import { html } from 'htm/preact'
import type { VNode } from 'preact'

/** The site's header and navigation; the current page is marked for assistive technology. */
export function PageHeader ({ current }: { current: 'dashboard' | 'verify' }): VNode {
  const link = (href: string, name: typeof current, text: string): VNode =>
    html`<a href=${href} aria-current=${current === name ? 'page' : undefined}>${text}</a>`
  return html`
    <header class="site">
      <span class="brand">Hyperseal</span>
      <nav aria-label="Pages">${link('/', 'dashboard', 'Dashboard')}${link('/verify', 'verify', 'Verify')}<a href="/docs">API</a></nav>
    </header>`
}
