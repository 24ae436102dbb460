/**
 * `hyperseal trust export [-o file]`: fetches a service's trust root (GET /v1/trust), checks it is
 * a valid one, and writes it, printing its fingerprint: compare that over a channel you trust (the
 * operator's announcement, a second network path), then pin the file (`verify --trust`,
 * `report verify --trust`). `hyperseal trust show <file>`: what a pinned file trusts.
 */
import { renameSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { pin } from '../evidence'
import { parseTrustRoot, shortFingerprint, TrustError, type TrustRoot } from '../trust'
import { CliError } from './errors'
import { runCommand } from './exit'
import { addClientOptions, apiBase, request, timeoutMs, type ClientOptions } from './http-client'
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

export function registerTrust (program: Command): void {
  const trust = program.command('trust').description('the trust root a verifier pins: export it from a service, show what a file trusts')
  const exp = trust.command('export')
    .description('fetch a service\'s trust root (GET /v1/trust) and write it; compare the printed fingerprint over a channel you trust before you pin it')
    .option('-o, --output <file>', 'write it here (default: stdout)')
  addClientOptions(exp, 30).action(async (opts: ClientOptions & { output?: string }) => runCommand(opts, async () => {
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
  }))

  trust.command('show <file>')
    .description('show what a trust root file trusts, and its fingerprint')
    .option('--json', 'print { fingerprint, root } as JSON')
    .action(async (file: string, opts: { json?: boolean }) => runCommand(opts, async () => {
      const pinned = readTrustFile(file)
      printResult(opts.json, { fingerprint: pinned.fingerprint, root: pinned.root }, () => describe(pinned.root, pinned.fingerprint))
    }))
}
