/** The sealer account (balance, spend rate, how long it lasts), and the latest batches with their gas and fees in ETH. */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import type { SealerAccount } from './api-types'
import { count, eth, short, time } from './format'

export function SealerPanel ({ account }: { account: SealerAccount }): VNode {
  const days = account.daysLeft === null ? 'no recent spend to measure' : account.daysLeft >= 3650 ? 'more than 10 years' : `${account.daysLeft.toFixed(1)} days`
  return html`
    <section class="panel" aria-labelledby="sealer-title">
      <h2 id="sealer-title">Sealer account</h2>
      ${account.address === null
        ? html`<p>This service has no sealer key: it verifies but does not seal.</p>`
        : html`<dl class="facts">
            <dt>Address</dt><dd><code>${account.address}</code></dd>
            <dt>Balance</dt><dd data-balance>${eth(account.balanceWei)}</dd>
            <dt>Recent spend</dt><dd>${account.spendPerDayWei === null ? '—' : `${eth(account.spendPerDayWei)} a day`}</dd>
            <dt>Lasts, at that rate</dt><dd data-days-left>${days}</dd>
          </dl>`}
    </section>`
}

export function BatchesTable ({ account }: { account: SealerAccount }): VNode {
  return html`
    <section class="panel" aria-labelledby="batches-title">
      <h2 id="batches-title">Latest batches</h2>
      <div class="scroll"><table class="batches">
        <thead><tr><th scope="col">Batch</th><th scope="col">Sealed</th><th scope="col">Heads</th><th scope="col">Block</th><th scope="col">Transaction</th><th scope="col">Gas</th><th scope="col">Fee</th></tr></thead>
        <tbody>${account.recent.map((b) => html`
          <tr data-seq=${b.seq}>
            <td>${b.seq}</td><td>${time(b.sealedAt)}</td><td>${count(b.leafCount)}</td><td>${count(b.blockNumber)}</td>
            <td><code title=${b.txHash}>${short(b.txHash)}</code></td>
            <td>${b.gasUsed === null ? '—' : count(Number(b.gasUsed))}</td>
            <td>${eth(b.feeWei, 8)}</td>
          </tr>`)}</tbody>
      </table></div>
      ${account.recent.length === 0 ? html`<p>Nothing sealed yet.</p>` : null}
    </section>`
}
