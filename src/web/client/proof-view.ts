/**
 * A record proof's result as the page shows it: PROVEN or INVALID, big; what was proven in plain
 * words (a block of a core, a Hyperbee entry at a version, a drive file); the seal's time and
 * chain; every check, part by part; and, when invalid, the check that failed.
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import type { ProofCheck, ProvenPart, RecordProofResult } from '../../proof'
import { shortFingerprint } from '../../trust'
import { count, time } from './format'
import type { ProofRun } from './proof-run'
import { CHECK_LABELS } from './verdict-text'
import { checkList } from './verdict-view'

const PROOF_LABELS: Record<ProofCheck['check'], string> = {
  ...CHECK_LABELS,
  proof: 'The file is a well-formed record proof (v1)',
  tree: 'The proven blocks are in the sealed Hypercore tree',
  record: 'The proven blocks show the record'
}

type Proven = Extract<RecordProofResult, { ok: true }>

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Bytes as text when they are printable UTF-8, else as hex; at most `max` bytes shown. */
function bytesText (data: Uint8Array, max = 96): string {
  const head = data.subarray(0, max)
  const more = data.byteLength > max ? '…' : ''
  try {
    const text = utf8.decode(head)
    if (!/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)) return JSON.stringify(text) + more
  } catch {
    // not UTF-8 (or cut inside a character): hex
  }
  return `0x${Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('hex')}${more}`
}

const bytes = (n: number): string => `${count(n)} byte${n === 1 ? '' : 's'}`

/** What was proven, in a person's words. */
function what (r: Proven): { title: VNode, content: string | null } {
  if (r.type === 'block') {
    return { title: html`Block ${count(r.index!)} of core <code class="key">${r.key}</code>, ${bytes(r.block!.byteLength)}`, content: bytesText(r.block!) }
  }
  if (r.type === 'hyperbee-entry') {
    const entry = r.entry!
    const name = bytesText(entry.key, 256)
    return entry.value === null
      ? { title: html`Hyperbee <code class="key">${r.key}</code> had <strong>no</strong> entry ${name} at version ${count(r.version!)}`, content: null }
      : { title: html`Hyperbee entry ${name} at version ${count(r.version!)} of <code class="key">${r.key}</code>, a value of ${bytes(entry.value.byteLength)}`, content: bytesText(entry.value) }
  }
  const file = r.file!
  return { title: html`Drive file <code>${file.path}</code> at version ${count(r.version!)} of Hyperdrive <code class="key">${r.key}</code>, ${bytes(file.size)}`, content: bytesText(file.content) }
}

function partFacts (p: ProvenPart): VNode {
  const c = p.chain
  const required = c.required === 'finalized' ? 'the chain\'s finalized block' : `${count(c.required)} confirmations`
  return html`
    <dt>${p.role === 'core' ? 'Seal' : `Seal of the ${p.role} core`}</dt>
    <dd data-part-seal=${p.role}>core <code class="key">${p.key}</code> sealed at length ${count(p.length)}, ${time(p.sealedAt)} (${p.final ? 'final' : 'not final yet'}),
      on chain ${c.chainId}, contract <code>${c.contract}</code>, ${count(c.confirmations)} confirmations (the trust root asks for ${required})
      ${c.embedded ? html` <strong class="warn">(embedded development chain: its administrator can rewrite it)</strong>` : null}</dd>`
}

export function ProofView ({ run }: { run: ProofRun }): VNode {
  const r = run.result
  const tone = !r.ok ? 'bad' : r.final ? 'good' : 'wait'
  // The check that decided a refusal: the one that failed, else the last that could not be made.
  const failed = r.ok ? undefined : r.checks.find((c) => c.ok === false) ?? [...r.checks].reverse().find((c) => c.ok === null)
  const shown = r.ok ? what(r) : null
  return html`
    <section class=${`verdict tone-${tone}`} aria-labelledby="verdict-title" data-status=${r.ok ? 'proven' : 'invalid'} data-proof-type=${r.ok ? r.type : undefined}>
      <h2 id="verdict-title" class="verdict-word">${r.ok ? 'Proven' : 'Invalid'}</h2>
      ${shown !== null ? html`<p class="verdict-question proven-record">${shown.title}</p>` : html`<p class="verdict-question">A record proof</p>`}
      ${r.ok
        ? html`<p class="reason">${r.statement}${r.final ? '' : ' The seal is not final yet: a reorganisation could still remove it.'}</p>`
        : html`<p class="reason" data-code=${r.code}>${r.reason}</p>`}
      ${failed !== undefined ? html`<p class="failed-check" data-failed=${failed.check}>Failed check: <strong>${PROOF_LABELS[failed.check] ?? failed.check}</strong>${failed.part !== undefined && failed.part !== 'core' ? ` (${failed.part} core)` : ''}</p>` : null}
      <p class="meaning">${r.ok
        ? html`<strong>What this proves:</strong> the writer's key signed a history holding exactly these bytes, and that history is sealed on chain in the contract your trust root names, no later than ${time(r.sealedAt)}. <strong>What it does not prove:</strong> that the bytes are true or harmless, who holds the writer's key, or that the record is still there now: a later version may change or delete it (clearing a block's content does not undo this proof).`
        : html`<strong>What this means:</strong> the file, or the chain's answers about it, do not hold up under your trust root (the failed check is named). Do not rely on the record it claims.`}</p>
    </section>
    ${shown?.content != null ? html`<section aria-labelledby="content-title"><h2 id="content-title">The proven bytes</h2><p class="proven-content"><code>${shown.content}</code></p></section>` : null}
    ${checkList(r.checks, PROOF_LABELS)}
    <section aria-labelledby="facts-title">
      <h2 id="facts-title">What it rested on</h2>
      <dl class="facts">
        ${r.ok ? html`<dt>Sealed at</dt><dd>${time(r.sealedAt)}${r.final ? ' (final)' : ' (not final yet)'}</dd>${r.parts.map(partFacts)}` : null}
        <dt>Evidence</dt><dd>the proof file alone (its blocks, tree nodes and receipts); chain answers from ${run.rpcOrigin}; nothing from the service</dd>
        <dt>Trust root</dt><dd><code>${shortFingerprint(run.trust.fingerprint)}</code> ${run.trust.root.name}</dd>
      </dl>
    </section>`
}
