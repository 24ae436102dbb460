/**
 * The report's words: what an incident means, the five-line headline, the commands that
 * re-perform it. Pure; the renderers print these sentences as they are, so the HTML and the
 * PDF say the same thing and the signature covers what a reader reads.
 */
import { formatEther } from 'ethers'
import type { Incident } from '../seal'
import type { AuditReport } from './types'

export function incidentMeaning (i: Incident): string {
  if (i.kind === 'rewind') {
    return `The writer of this core went back: length ${i.sealed.length} (fork ${i.sealed.fork}) had been sealed, then the core was seen at length ${i.observed.length} (fork ${i.observed.fork}) with a history that does not extend the sealed one. Blocks covered by the earlier seal were removed or rewritten.`
  }
  return `Two different histories of this core exist, both signed by its key: the sealed head at length ${i.sealed.length} (fork ${i.sealed.fork}) and a conflicting head at length ${i.observed.length} (fork ${i.observed.fork}). Readers can be shown different data under the same key.`
}

/** Wei (decimal string) as ether, exact: "0.00123", "0". */
export function weiToEth (wei: string): string {
  const eth = formatEther(BigInt(wei))
  return eth.endsWith('.0') ? eth.slice(0, -2) : eth
}

export const shortKey = (hex: string): string => (hex.length > 20 ? `${hex.slice(0, 8)}…${hex.slice(-6)}` : hex)

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

function duration (seconds: number): string {
  if (seconds < 120) return plural(Math.round(seconds), 'second')
  if (seconds < 7200) return plural(Math.round(seconds / 60), 'minute')
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} hours`
  return `${(seconds / 86_400).toFixed(1)} days`
}
export { duration as durationText }

type HeadlineFacts = Pick<AuditReport, 'period' | 'summary' | 'coverage' | 'incidents' | 'chain' | 'service' | 'policy'>

/** Five sentences for the first page: intact or not, the population, the passes, the incidents, cost and signature. */
export function headline (r: HeadlineFacts): string[] {
  const s = r.summary
  const bad = s.receipts.invalid + s.incidents.fork + s.incidents.rewind
  const intact = bad === 0
    ? `The logs were intact: ${s.receipts.verified === s.receipts.total ? 'every one' : `${s.receipts.verified}`} of the ${plural(s.receipts.total, 'seal receipt')} re-checked against chain ${r.chain.chainId} at block ${s.chainHeadBlock} ${s.receipts.verified === s.receipts.total ? 'holds' : 'hold'}${s.receipts.pending > 0 ? ` (${s.receipts.pending} not final yet)` : ''}, and no core was rewound or forked.`
    : `The logs were NOT intact: ${[
      s.incidents.rewind > 0 ? plural(s.incidents.rewind, 'rewind') : '', s.incidents.fork > 0 ? plural(s.incidents.fork, 'fork') : '',
      s.receipts.invalid > 0 ? `${plural(s.receipts.invalid, 'seal receipt')} no longer holding` : ''
    ].filter((x) => x !== '').join(', ')} in the period (details below).`
  const population = `From ${r.period.from} to ${r.period.to}, ${plural(s.cores, 'core')} ${s.cores === 1 ? 'was' : 'were'} watched; ${plural(s.seals, 'change')} to them ${s.seals === 1 ? 'was' : 'were'} sealed in ${plural(s.batches, 'batch', 'batches')} on chain.`
  const c = r.coverage
  const passes = c === null
    ? 'The service kept no record of its passes for this period, so a quiet core (nothing to seal) cannot be told apart from a service that was down.'
    : `The schedule called for ${plural(c.passes.scheduled, 'pass', 'passes')}: ${c.passes.run} ran (${c.passes.sealed} sealed changes, ${c.passes.unchanged} found nothing new), ${c.passes.failed} failed and ${c.passes.missed} were missed; the service was down ${c.downtimeSeconds === 0 ? 'at no time' : `for ${duration(c.downtimeSeconds)}`}.`
  const incidents = r.incidents.length === 0
    ? 'No incident was detected: no writer went back on, or contradicted, a sealed history.'
    : `Incidents: ${r.incidents.slice(0, 3).map((i) => `${i.kind} of core ${shortKey(i.key)} at ${i.detectedAt}`).join('; ')}${r.incidents.length > 3 ? `; and ${r.incidents.length - 3} more` : ''}.`
  const cost = `Sealing cost ${weiToEth(s.feesWei)} ETH in fees${s.batchesWithoutCost > 0 ? ` (${s.batchesWithoutCost} batch costs unknown)` : ''}; this report is signed by the service's key ${shortKey(r.service.reportKey)} and can be checked with "hyperseal report verify".`
  return [intact, population, passes, incidents, cost]
}

type ReperformFacts = Pick<AuditReport, 'parameters' | 'period'>

/** The exact commands that check this report again and build it again. */
export function reperform (r: ReperformFacts): AuditReport['reperform'] {
  const stamp = `${r.period.from.slice(0, 10)}_${r.period.to.slice(0, 10)}`
  const keys = r.parameters.cores === null ? '' : r.parameters.cores.map((k) => ` --key ${k}`).join('')
  return {
    commands: [
      `hyperseal report verify hyperseal-audit-${stamp}.pdf --trust trust.json --rpc <an RPC endpoint of chain ${r.parameters.chain.chainId} you trust>`,
      `hyperseal report --from ${r.period.from} --to ${r.period.to}${keys} --format json -o hyperseal-audit-${stamp}.json`
    ],
    notes: [
      `trust.json is the trust root you pinned (hyperseal trust export); its fingerprint must be ${r.parameters.trustRoot}.`,
      `The first command checks the signature, the receipts file's hash, and every receipt again against contract ${r.parameters.chain.contract} ${r.parameters.confirmations === 'finalized' ? 'once the chain finalized them' : `with ${r.parameters.confirmations} confirmation(s)`}; it names any receipt that no longer holds.`,
      'The second builds the same period again: its content is the same apart from the generation time and the chain re-check (block height, receipts that became final).'
    ]
  }
}
