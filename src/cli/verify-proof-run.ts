/** What `hyperseal verify-proof` does when it runs (loaded then, not for --help). */
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { createChainReader } from '../chain'
import type { RecordProofResult } from '../proof'
import { verifyRecordProof } from '../structures'
import { shortFingerprint } from '../trust'
import { CliError } from './errors'
import { EXIT } from './exit-codes'
import { timeoutMs } from './http-client'
import { printResult, writeAtomically } from './output'
import { trustFromOptions } from './trust-pin'
import { NO_TRUST } from './trust-options'
import type { VerifyProofOptions } from './verify-proof'

/** A proof holds at most 64 MiB of file content, twice that in hex, plus its blocks' nodes. */
const MAX_PROOF_FILE_BYTES = 160 * 1024 * 1024

function readProof (file: string): unknown {
  let size: number
  try {
    size = statSync(file).size
  } catch (err) {
    throw new CliError('BAD_INPUT', `The proof ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: err })
  }
  if (size > MAX_PROOF_FILE_BYTES) throw new CliError('BAD_INPUT', `The proof ${file} is ${size} bytes, more than a record proof can be.`)
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new CliError('BAD_INPUT', `The proof ${file} is not JSON (${(err as Error).message}).`, { cause: err })
  }
}

export async function runVerifyProof (file: string, opts: VerifyProofOptions): Promise<void> {
  const trust = trustFromOptions(opts)
  if (trust === null) throw new CliError('BAD_INPUT', `Checking a proof needs a trust root. ${NO_TRUST}`)
  const document = readProof(file)
  if (typeof document !== 'object' || document === null || (document as { kind?: unknown }).kind !== 'hyperseal-record-proof') {
    throw new CliError('BAD_INPUT', `${file} is not a record proof (no "kind": "hyperseal-record-proof"); hyperseal prove writes them.`)
  }
  const chainId = (document as { parts?: Array<{ receipt?: { seal?: { chainId?: unknown } } }> }).parts?.[0]?.receipt?.seal?.chainId
  const chain = trust.root.chains.find((c) => c.chainId === chainId) ?? trust.root.chains[0]
  const rpcUrl = opts.rpc ?? chain.rpc?.[0]
  if (rpcUrl === undefined) throw new CliError('BAD_INPUT', `Give --rpc <url>: a JSON-RPC endpoint of chain ${chain.chainId} (any node; its answers are checked, not trusted).`)
  const reader = await createChainReader({ rpcUrl, timeoutMs: timeoutMs(opts, 30) })
  let result: RecordProofResult
  try {
    result = await verifyRecordProof(document, { chain: reader, trust })
  } finally {
    reader.close()
  }
  if (result.ok && opts.extract !== undefined) writeAtomically(opts.extract, result.block ?? result.file?.content ?? result.entry?.value ?? Buffer.alloc(0))
  const json = result.ok ? jsonOf(result) : result
  printResult(opts.json, json, () => lines(result, `${trust.root.name} (trust root ${shortFingerprint(trust.fingerprint)})`))
  process.exitCode = !result.ok ? EXIT.FAILED : result.final ? EXIT.OK : EXIT.NOT_YET
}

/** The result for --json: bytes as hex (a file's content as its size and SHA-256 only). */
function jsonOf (r: Extract<RecordProofResult, { ok: true }>): Record<string, unknown> {
  const { block, entry, file, ...rest } = r
  return {
    ...rest,
    ...(block !== undefined ? { block: block.toString('hex') } : {}),
    ...(entry !== undefined ? { entry: { key: entry.key.toString('hex'), value: entry.value?.toString('hex') ?? null, seq: entry.seq } } : {}),
    ...(file !== undefined ? { file: { path: file.path, size: file.size, executable: file.executable, linkname: file.linkname, sha256: sha256(file.content) } } : {})
  }
}

function sha256 (data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function lines (r: RecordProofResult, trusted: string): string[] {
  if (!r.ok) {
    return [`REFUSED (${r.code}): ${r.reason}`, `  trusted:   ${trusted}`]
  }
  const out = [
    `PROVEN${r.final ? '' : ' (NOT FINAL YET)'}: ${r.statement}`,
    `  trusted:   ${trusted}`
  ]
  for (const p of r.parts) {
    out.push(`  ${p.role.padEnd(9)}  core ${p.key} sealed at length ${p.length}, ${p.sealedAt} (${p.final ? 'final' : 'not final yet'}) on chain ${p.chain.chainId}, contract ${p.chain.contract}`)
    if (p.chain.embedded) out.push('  WARNING:   the embedded development chain: its local administrator can rewrite it.')
  }
  if (r.block !== undefined) out.push(`  block:     ${r.block.byteLength} bytes, ${preview(r.block)}`)
  if (r.entry !== undefined) out.push(`  entry:     ${r.entry.value === null ? 'absent' : `${r.entry.value.byteLength} bytes, ${preview(r.entry.value)}`}`)
  if (r.file !== undefined) out.push(`  file:      ${r.file.path}, ${r.file.size} bytes, sha256 ${sha256(r.file.content)}`)
  return out
}

function preview (data: Buffer): string {
  const text = data.subarray(0, 64).toString('utf8')
  return /^[\x20-\x7e]*$/.test(text) ? JSON.stringify(text) + (data.byteLength > 64 ? '…' : '') : `0x${data.subarray(0, 32).toString('hex')}${data.byteLength > 32 ? '…' : ''}`
}
