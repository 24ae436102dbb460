/** What `hyperseal prove` does when it runs (loaded then, not for --help). */
import { keyHex, parseKey } from '../heads'
import { parseRecordProof, recordProofToJson } from '../proof'
import { CliError } from './errors'
import { apiBase, request, timeoutMs } from './http-client'
import { writeAtomically } from './output'
import { proofPath, type ProveOptions } from './prove'

export async function runProve (keyText: string, index: string | undefined, opts: ProveOptions): Promise<void> {
  const key = keyHex(parseKey(keyText))
  const path = proofPath(key, index, opts)
  const base = apiBase(opts, process.env)
  const { body } = await request(base, { method: 'GET', path, timeoutMs: timeoutMs(opts, 60) })
  let text: string
  try {
    const proof = parseRecordProof(body)
    if (proof.key !== key) throw new Error(`it is about core ${proof.key}`)
    text = JSON.stringify(recordProofToJson(proof), null, 2) + '\n'
  } catch (err) {
    throw new CliError('BAD_ANSWER', `${base.origin} answered something that is not a record proof of ${key} (${(err as Error).message}); check --api.`)
  }
  if (opts.output === undefined) {
    process.stdout.write(text)
    return
  }
  writeAtomically(opts.output, text)
  process.stderr.write(`wrote the proof to ${opts.output} (${Buffer.byteLength(text)} bytes); check it with: hyperseal verify-proof ${opts.output} --trust <trust root>\n`)
}
