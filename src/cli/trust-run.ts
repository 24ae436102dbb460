/**
 * What `hyperseal trust export` and `trust show` do when they run (loaded then, not for --help).
 */
import { renameSync, writeFileSync } from 'node:fs'
import { pin } from '../evidence'
import { parseTrustRoot, shortFingerprint, TrustError, type TrustRoot } from '../trust'
import type { ClientOptions } from './client-options'
import { CliError } from './errors'
import { apiBase, request, timeoutMs } from './http-client'
import { printResult } from './output'
import { readTrustFile } from './trust-pin'

function describe (root: TrustRoot, fingerprint: string): string[] {
  const lines = [`trust root    ${root.name}`, `fingerprint   ${fingerprint}  (${shortFingerprint(fingerprint)})`]
  for (const c of root.chains) {
    const finality = c.finality === 'finalized' ? 'the finalized tag' : `${c.finality.confirmations} confirmation${c.finality.confirmations === 1 ? '' : 's'}`
    lines.push(`chain         ${c.chainId}${c.embedded ? ' (EMBEDDED development chain: its local administrator can rewrite it)' : ''}, final after ${finality}`)
    for (const k of c.contracts) lines.push(`contract      ${k.address} (code hash ${k.codeHash.slice(0, 18)}…)`)
  }
  for (const l of root.receiptsLogs) lines.push(`receipts log  ${l.key} at ${l.peers.join(', ') || 'no peer named'}`)
  for (const k of root.reportKeys) lines.push(`report key    ${k.publicKey}`)
  return lines
}

export async function exportTrust (opts: ClientOptions & { output?: string }): Promise<void> {
  const base = apiBase(opts, process.env)
  const { body } = await request(base, { method: 'GET', path: '/v1/trust', timeoutMs: timeoutMs(opts, 30) })
  let pinned
  try {
    pinned = pin(parseTrustRoot(body))
  } catch (err) {
    if (err instanceof TrustError) throw new CliError('BAD_ANSWER', `${base.origin} answered a trust root that is not valid: ${err.message}`)
    throw err
  }
  const text = JSON.stringify(pinned.root, null, 2) + '\n'
  if (opts.output === undefined) {
    process.stdout.write(text)
  } else {
    const tmp = `${opts.output}.${process.pid}.tmp`
    writeFileSync(tmp, text)
    renameSync(tmp, opts.output)
  }
  process.stderr.write(`trust root of ${base.origin}: fingerprint ${pinned.fingerprint} (${shortFingerprint(pinned.fingerprint)})${opts.output !== undefined ? `, written to ${opts.output}` : ''}\n`)
}

export function showTrust (file: string, opts: { json?: boolean }): void {
  const pinned = readTrustFile(file)
  printResult(opts.json, { fingerprint: pinned.fingerprint, root: pinned.root }, () => describe(pinned.root, pinned.fingerprint))
}
