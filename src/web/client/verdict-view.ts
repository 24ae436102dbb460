/** The verdict as the page shows it: big and unambiguous, every check in words, what it proves. */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { shortFingerprint } from '../../trust'
import type { Verdict } from '../../verify'
import { count, time } from './format'
import { CHECK_LABELS, STATUS_WORDS, meaningOf } from './verdict-text'
import type { VerifyRun } from './verify-run'

const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`

interface CheckLike { check: string, ok: boolean | null, detail: string, part?: string }

/** One check as a list item; `part` names the record proof part it is about (a drive proof has two: db and blobs). */
function checkItem (c: CheckLike, label: string): VNode {
  const state = c.ok === true ? 'passed' : c.ok === false ? 'failed' : 'not checked'
  const mark = c.ok === true ? '✓' : c.ok === false ? '✗' : '–'
  return html`
    <li class=${`check check-${c.ok === true ? 'ok' : c.ok === false ? 'fail' : 'na'}`} data-check=${c.check} data-ok=${String(c.ok)} data-part=${c.part}>
      <span class="mark" aria-hidden="true">${mark}</span>
      <span class="check-label">${label}${c.part !== undefined && c.part !== 'core' ? html` <span class="check-part">(${c.part} core)</span>` : null}</span>
      <span class="check-state">${state}</span>
      <p class="check-detail">${c.detail}</p>
    </li>`
}

/** Every check, in order, each labelled in words (a verdict's or a record proof's). */
export function checkList (checks: readonly CheckLike[], labels: Readonly<Record<string, string>>): VNode {
  return html`
    <section aria-labelledby="checks-title">
      <h2 id="checks-title">Every check, in order</h2>
      <ol class="checks">${checks.map((c) => checkItem(c, labels[c.check] ?? c.check))}</ol>
    </section>`
}

function chainFacts (v: Verdict): VNode | null {
  if (v.chain === null) return null
  const c = v.chain
  const required = c.required === 'finalized' ? 'the chain\'s finalized block' : `${count(c.required)} confirmations`
  return html`
    <dt>Chain</dt><dd>chain ${c.chainId}${c.embedded ? html` <strong class="warn">(embedded development chain: its administrator can rewrite it)</strong>` : ''}</dd>
    <dt>Contract</dt><dd><code>${c.contract}</code></dd>
    <dt>Confirmations</dt><dd>${count(c.confirmations)} (the trust root asks for ${required})</dd>`
}

/**
 * Every clock of the deciding seal with its time and finality; one that could not be checked is
 * named as such, with why (the verifier's detail says it), never left out and never counted.
 */
function clockFacts (v: Verdict): VNode | null {
  if (v.clocks === undefined || v.clocks.length === 0) return null
  return html`
    <dt>Clocks</dt><dd><ul class="clocks">${v.clocks.map((c) => html`
      <li data-clock=${c.name} data-ok=${String(c.ok)}>${c.name} (${c.kind === 'evm' ? `chain ${c.chainId ?? '?'}` : 'RFC 3161 time-stamp'}):${' '}
        ${c.ok === true ? `${time(c.time)}${c.final ? ' (final)' : ' (not final yet)'}` : c.ok === false ? html`<strong class="warn">fails</strong> — ${c.detail}` : html`not checked — ${c.detail.replace(/^not checked: /, '')}`}</li>`)}
    </ul></dd>`
}

export function VerdictView ({ run }: { run: VerifyRun }): VNode {
  const v = run.verdict
  const words = STATUS_WORDS[v.status]
  const meaning = meaningOf(v)
  // What made it invalid: a check that failed, else (a peer's proof that does not check out is
  // "could not be checked" for the replica) the last one that could not be made.
  const failed = v.status !== 'invalid' ? undefined : v.checks.find((c) => c.ok === false) ?? [...v.checks].reverse().find((c) => c.ok === null)
  return html`
    <section class=${`verdict tone-${words.tone}`} aria-labelledby="verdict-title" data-status=${v.status}>
      <h2 id="verdict-title" class="verdict-word">${words.title}</h2>
      <p class="verdict-question">Version ${count(v.version)} of core <code class="key">${v.key}</code></p>
      <p class="reason">${v.reason}</p>
      ${failed !== undefined ? html`<p class="failed-check" data-failed=${failed.check}>Failed check: <strong>${CHECK_LABELS[failed.check] ?? failed.check}</strong></p>` : null}
      <p class="meaning"><strong>What this proves:</strong> ${meaning.proves} <strong>What it does not prove:</strong> ${meaning.doesNot}</p>
    </section>
    ${checkList(v.checks, CHECK_LABELS)}
    <section aria-labelledby="facts-title">
      <h2 id="facts-title">What it rested on</h2>
      <dl class="facts">
        <dt>Sealed at</dt><dd>${time(v.sealedAt)}${v.sealedAt !== null ? (v.final ? ' (final)' : ' (not final yet)') : ''}</dd>
        ${chainFacts(v)}
        ${clockFacts(v)}
        <dt>Replica</dt><dd>the service's replica, as its upgrade proofs show it: length ${count(v.replica.length)}, fork ${v.replica.fork}</dd>
        <dt>Evidence</dt><dd>${plural(run.receipts, 'receipt')} and ${plural(run.incidents, 'incident')} from the service; chain answers from ${run.rpcOrigin}${run.anchorOrigins.length > 0 ? `; later clocks' chains from ${run.anchorOrigins.join(', ')}` : ''}</dd>
        <dt>Trust root</dt><dd><code>${shortFingerprint(v.trust)}</code></dd>
      </dl>
    </section>`
}
