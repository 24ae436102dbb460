/**
 * A local RFC 3161 time-stamping authority for tests: OpenSSL's `openssl ts -reply` behind a
 * tiny node:http server on 127.0.0.1, with a test CA made for the test (tsa-pki.ts). Real
 * OpenSSL signs the tokens, so our verifier is checked against another implementation.
 *
 * `answer` and `cert` (settable on the returned object, or as options) provoke each refusal:
 * - answer 'wrong-imprint' / 'bad-nonce' / 'no-nonce': the query is altered before OpenSSL
 *   stamps it, so the token is genuine but for another imprint or nonce;
 * - 'rejection': the query asks for SHA-1, which the TSA does not accept, so OpenSSL itself
 *   answers a `rejection` status; 'http-500', 'garbage' (200 with random bytes), 'huge' (an
 *   endless 200 body), 'hang' (never answers);
 * - cert 'expired' (valid only in 2020), 'untrusted' (issued by a CA with the trusted CA's
 *   name but another key), 'not-tsa' (no time-stamping EKU: OpenSSL's TSA refuses such a
 *   signer, so the TSTInfo OpenSSL made is re-signed with `openssl cms -sign -cades`),
 *   'no-ess' (re-signed by the TSA's key without the ESSCertID attribute), 'swapped' (re-signed
 *   by the TSA's key naming it by key id, the ESSCertIDv2 binding the TSA's certificate, but the
 *   token carrying another certificate for the same key: the substitution RFC 5035 stops).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import * as asn1js from 'asn1js'
import { ContentInfo, PKIStatusInfo, SignedData, TimeStampReq, TimeStampResp } from 'pkijs'
import { makeTsaPki, openssl } from './tsa-pki'

export type TsaAnswer = 'token' | 'wrong-imprint' | 'bad-nonce' | 'no-nonce' | 'rejection' | 'http-500' | 'garbage' | 'huge' | 'hang'
export type TsaCert = 'valid' | 'expired' | 'untrusted' | 'not-tsa' | 'no-ess' | 'swapped'

export interface TestTsaOptions { answer?: TsaAnswer, cert?: TsaCert }

export interface TestTsa {
  url: string
  /** The test CA: what a verifier should trust. */
  caPem: string
  /** The TSA's own (valid) certificate. */
  tsaCertPem: string
  answer: TsaAnswer
  cert: TsaCert
  /** Requests received so far. */
  requests: number
  close (): Promise<void>
}

const MAX_QUERY_BYTES = 16 * 1024
const SHA1 = '1.3.14.3.2.26'

function tsaConfig (dir: string): string {
  return `[tsa]\ndefault_tsa = test_tsa\n[test_tsa]\nserial = ${dir}/tsa.serial\ncrypto_device = builtin\n` +
    'signer_digest = sha256\ndefault_policy = 1.3.6.1.4.1.4146.2.3\ndigests = sha256, sha384, sha512\n' +
    'accuracy = secs:1\nordering = no\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n'
}

/** The query as the chosen answer wants OpenSSL to see it. */
function alter (query: Uint8Array, answer: TsaAnswer): Uint8Array {
  if (answer !== 'wrong-imprint' && answer !== 'bad-nonce' && answer !== 'no-nonce' && answer !== 'rejection') return query
  const req = TimeStampReq.fromBER(query)
  if (answer === 'wrong-imprint') {
    const other = new Uint8Array(req.messageImprint.hashedMessage.valueBlock.valueHexView)
    other[0] ^= 0x01
    req.messageImprint.hashedMessage = new asn1js.OctetString({ valueHex: other })
  } else if (answer === 'bad-nonce') {
    req.nonce = asn1js.Integer.fromBigInt((req.nonce?.toBigInt() ?? 0n) + 1n)
  } else if (answer === 'no-nonce') {
    delete req.nonce
  } else {
    req.messageImprint.hashAlgorithm.algorithmId = SHA1
    req.messageImprint.hashedMessage = new asn1js.OctetString({ valueHex: new Uint8Array(20) })
  }
  return new Uint8Array(req.toSchema().toBER(false))
}

function granted (token: Uint8Array): Uint8Array {
  const resp = new TimeStampResp({ status: new PKIStatusInfo({ status: 0 }), timeStampToken: ContentInfo.fromBER(token) })
  return new Uint8Array(resp.toSchema().toBER(false))
}

export async function startTestTsa (opts: TestTsaOptions = {}): Promise<TestTsa> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-tsa-'))
  const pki = await makeTsaPki(dir)
  writeFileSync(join(dir, 'tsa.cnf'), tsaConfig(dir))
  writeFileSync(join(dir, 'tsa.serial'), '01\n')
  let queue: Promise<unknown> = Promise.resolve()
  let seq = 0

  /** `openssl ts -reply` for one query, one at a time (OpenSSL bumps a serial file). */
  function reply (query: Uint8Array, cert: TsaCert): Promise<Uint8Array> {
    const next = queue.then(async () => {
      const n = ++seq
      const signer = pki.signers[cert === 'expired' || cert === 'untrusted' ? cert : 'valid']
      writeFileSync(join(dir, `q${n}.der`), query)
      await openssl(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `q${n}.der`, '-signer', signer.cert, '-inkey', signer.key, '-chain', signer.chain, '-out', `r${n}.der`], dir)
      const response = new Uint8Array(readFileSync(join(dir, `r${n}.der`)))
      return cert === 'not-tsa' || cert === 'no-ess' || cert === 'swapped' ? resign(response, n, cert) : response
    })
    queue = next.catch(() => undefined)
    return next
  }

  /** The TSTInfo OpenSSL stamped, signed again with `openssl cms` as `cert` says. */
  async function resign (response: Uint8Array, n: number, cert: 'not-tsa' | 'no-ess' | 'swapped'): Promise<Uint8Array> {
    const token = TimeStampResp.fromBER(response).timeStampToken
    if (token === undefined) return response
    const tstInfo = new SignedData({ schema: token.content }).encapContentInfo.eContent?.getValue()
    writeFileSync(join(dir, `t${n}.der`), new Uint8Array(tstInfo ?? new ArrayBuffer(0)))
    const signer = pki.signers[cert === 'not-tsa' ? 'not-tsa' : 'valid']
    const how = cert === 'no-ess' ? [] : cert === 'swapped' ? ['-cades', '-keyid', '-nocerts', '-certfile', pki.twinCert] : ['-cades', '-certfile', signer.chain]
    await openssl(['cms', '-sign', '-binary', '-nodetach', '-md', 'sha256', '-econtent_type', '1.2.840.113549.1.9.16.1.4', '-in', `t${n}.der`,
      '-signer', signer.cert, '-inkey', signer.key, ...how, '-outform', 'DER', '-out', `c${n}.der`], dir)
    return granted(new Uint8Array(readFileSync(join(dir, `c${n}.der`))))
  }

  const tsa: TestTsa = {
    url: '',
    caPem: pki.caPem,
    tsaCertPem: readFileSync(pki.signers.valid.cert, 'utf8'),
    answer: opts.answer ?? 'token',
    cert: opts.cert ?? 'valid',
    requests: 0,
    close: async () => {}
  }

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    tsa.requests++
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > MAX_QUERY_BYTES) { res.writeHead(413).end(); return }
      chunks.push(chunk as Buffer)
    }
    const answer = tsa.answer
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') { res.writeHead(415).end(); return }
    if (answer === 'hang') return
    if (answer === 'http-500') { res.writeHead(500).end(); return }
    if (answer === 'garbage') { res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(randomBytes(512)); return }
    if (answer === 'huge') {
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' })
      const block = Buffer.alloc(64 * 1024)
      // Write until the client gives up (its size bound), then stop.
      const pump = (): void => { while (!res.destroyed && res.write(block)); }
      res.on('drain', pump)
      res.on('error', () => {})
      pump()
      return
    }
    const body = await reply(alter(new Uint8Array(Buffer.concat(chunks)), answer), tsa.cert)
    res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': body.length }).end(body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`
  tsa.close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    rmSync(dir, { recursive: true, force: true })
  }
  return tsa
}
