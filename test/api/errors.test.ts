import { expect } from 'chai'
import { Registry } from 'prom-client'
import { Writable } from 'node:stream'
import { buildApp, createLogger, type ServicePort } from '../../src/api'
import { ChainError, type ChainErrorCode } from '../../src/chain'
import { ConfigError, type ConfigErrorCode } from '../../src/config'
import { HeadsError, type HeadsErrorCode } from '../../src/heads'
import { LedgerError, type LedgerErrorCode } from '../../src/ledger'
import { SealError, type SealErrorCode } from '../../src/seal'
import { SealerError, type SealerErrorCode } from '../../src/sealer'
import { VerifyError, type VerifyErrorCode } from '../../src/verify'
import { StructureError, type StructureErrorCode } from '../../src/structures'
import { AlertsError, type AlertsErrorCode } from '../../src/alerts'
import { ApiError, DOMAINS, toErrorAnswer, type ApiErrorCode } from '../../src/api/errors'

// The domains export their codes as type unions only. These lists are checked against the
// unions at compile time (`npx tsc`): a code missing here, or one that no longer exists, fails
// the typecheck, so the runtime assertions below cover every code.
type Exact<L extends readonly string[], U extends string> = [Exclude<U, L[number]>] extends [never] ? ([Exclude<L[number], U>] extends [never] ? true : false) : false
const HEADS = ['BAD_KEY', 'BAD_PEER', 'BAD_LENGTH', 'NOT_WATCHED', 'NO_HEAD', 'UNVERIFIED_HEAD', 'UPDATE_TIMEOUT', 'CLOSED', 'LISTEN_FAILED', 'CORE_FAILED', 'PEER_UNREACHABLE', 'BAD_STORAGE'] as const
const LEDGER = ['DATA_DIR_LOCKED', 'DATA_DIR_UNUSABLE', 'BAD_INPUT', 'BAD_CURSOR', 'APPEND_ONLY', 'BAD_TRANSITION', 'NOT_FOUND', 'CORRUPT_ENTRY', 'CLOSED'] as const
const CHAIN = ['INVALID_CONFIG', 'INVALID_INPUT', 'RPC_UNREACHABLE', 'RPC_TIMEOUT', 'RPC_BAD_ANSWER', 'RPC_ERROR', 'CHAIN_ID_MISMATCH', 'NO_CONTRACT',
  'NO_SIGNER', 'REVERTED_ALREADY_SEALED', 'REVERTED_EMPTY_BATCH', 'REVERTED_UNAUTHORIZED', 'REVERTED_OTHER', 'NONCE_EXPIRED',
  'REPLACEMENT_UNDERPRICED', 'INSUFFICIENT_FUNDS', 'WAIT_TIMEOUT', 'TX_DROPPED', 'REORGED', 'ANVIL_FAILED', 'PORT_TAKEN'] as const
const SEAL = ['BAD_HEAD', 'BAD_MANIFEST', 'KEY_MISMATCH', 'BAD_SIGNATURE', 'EMPTY_BATCH', 'DUPLICATE_LEAF', 'BAD_INDEX', 'BAD_BATCH', 'SEAL_MISMATCH', 'BAD_RECEIPT'] as const
const SEALER = ['PASS_RUNNING', 'NOT_READY', 'CLOSED', 'FAULT_INJECTED', 'NO_SUCH_ANCHOR'] as const
const CONFIG = ['INVALID_VALUE', 'BAD_FILE', 'UNKNOWN_FIELD', 'SECRET_IN_FILE'] as const
const VERIFY = ['BAD_INPUT', 'MISSING_ANSWER'] as const
const STRUCTURES = ['NOT_A_STRUCTURE', 'NOT_FOUND', 'NOT_SEALED', 'BLOCK_UNAVAILABLE', 'TOO_LARGE'] as const
const ALERTS = ['NO_RECEIVERS', 'OUTBOX_UNUSABLE', 'OUTBOX_CORRUPT', 'CLOSED'] as const
const API = ['BAD_REQUEST', 'TOKEN_IN_QUERY', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'RATE_LIMITED', 'BUSY', 'NOT_READY', 'PAGES_NOT_BUILT', 'INTERNAL'] as const
const COMPLETE: [
  Exact<typeof HEADS, HeadsErrorCode>, Exact<typeof LEDGER, LedgerErrorCode>, Exact<typeof CHAIN, ChainErrorCode>, Exact<typeof SEAL, SealErrorCode>,
  Exact<typeof SEALER, SealerErrorCode>, Exact<typeof CONFIG, ConfigErrorCode>, Exact<typeof VERIFY, VerifyErrorCode>, Exact<typeof STRUCTURES, StructureErrorCode>,
  Exact<typeof ALERTS, AlertsErrorCode>, Exact<typeof API, ApiErrorCode>
] = [true, true, true, true, true, true, true, true, true, true]

type Cls = new (code: never, message: string) => Error
const LISTS: Array<[string, Cls, readonly string[]]> = [
  ['heads', HeadsError, HEADS], ['ledger', LedgerError, LEDGER], ['chain', ChainError, CHAIN], ['seal', SealError, SEAL],
  ['sealer', SealerError, SEALER], ['config', ConfigError, CONFIG], ['verify', VerifyError, VERIFY],
  ['structures', StructureError, STRUCTURES], ['alerts', AlertsError, ALERTS], ['api', ApiError, API]
]
const make = (cls: Cls, code: string, message = 'DOMAIN-DETAIL /secret/path http://rpc.example/key123'): Error => new cls(code as never, message)

/** What the issue fixes; every other code is decided in src/api/error-rules.ts. */
const REQUIRED: Array<[Cls, string, number, string?]> = [
  [HeadsError, 'BAD_KEY', 400], [HeadsError, 'BAD_PEER', 400], [HeadsError, 'BAD_LENGTH', 400], [HeadsError, 'NOT_WATCHED', 404],
  [HeadsError, 'UPDATE_TIMEOUT', 504], [LedgerError, 'NOT_FOUND', 404], [LedgerError, 'BAD_INPUT', 400], [LedgerError, 'BAD_CURSOR', 400],
  [LedgerError, 'CORRUPT_ENTRY', 500, 'LEDGER_CORRUPT'], [LedgerError, 'DATA_DIR_LOCKED', 503],
  [ChainError, 'RPC_UNREACHABLE', 503], [ChainError, 'RPC_TIMEOUT', 503], [ChainError, 'RPC_ERROR', 503], [ChainError, 'RPC_BAD_ANSWER', 503],
  [SealerError, 'PASS_RUNNING', 409], [SealerError, 'NOT_READY', 503], [SealerError, 'CLOSED', 503],
  [ApiError, 'BAD_REQUEST', 400], [ApiError, 'UNAUTHORIZED', 401], [ApiError, 'FORBIDDEN', 403], [ApiError, 'NOT_FOUND', 404],
  [ApiError, 'PAYLOAD_TOO_LARGE', 413], [ApiError, 'UNSUPPORTED_MEDIA_TYPE', 415], [ApiError, 'BUSY', 503], [ApiError, 'INTERNAL', 500]
]

describe('API error table (src/api/errors.ts, error-rules.ts)', () => {
  it('the code lists match the domains\' unions (compile time) and the table has exactly those codes', () => {
    expect(COMPLETE.every(Boolean)).to.equal(true)
    expect(DOMAINS.map((d) => d.name)).to.deep.equal(LISTS.map(([name]) => name))
    for (const [name, cls, codes] of LISTS) {
      const domain = DOMAINS.find((d) => d.name === name)!
      expect(domain.cls).to.equal(cls)
      expect(Object.keys(domain.rules).sort(), name).to.deep.equal([...codes].sort())
    }
  })

  it('maps every code of every domain to an answer in the error shape, with a status from 400 to 599', () => {
    for (const [name, cls, codes] of LISTS) {
      for (const code of codes) {
        const a = toErrorAnswer(make(cls, code))
        expect(a.status, `${name} ${code}`).to.be.within(400, 599)
        expect(Object.keys(a.body)).to.deep.equal(['error'])
        expect(a.body.error.code).to.match(/^[A-Z_]+$/)
        expect(a.body.error.message.length).to.be.greaterThan(10)
      }
    }
  })

  it('gives the statuses and codes the design fixes', () => {
    for (const [cls, code, status, answerCode] of REQUIRED) {
      const a = toErrorAnswer(make(cls, code))
      expect(a.status, code).to.equal(status)
      expect(a.body.error.code, code).to.equal(answerCode ?? code)
    }
  })

  it('shows the domain message on a 4xx, never on a 5xx (which logs at warn or error instead)', () => {
    for (const [name, cls, codes] of LISTS) {
      for (const code of codes) {
        const a = toErrorAnswer(make(cls, code))
        if (a.status >= 500) {
          expect(a.body.error.message, `${name} ${code}`).to.not.include('DOMAIN-DETAIL')
          expect(a.level, `${name} ${code}`).to.be.oneOf(['warn', 'error'])
        }
      }
    }
    expect(toErrorAnswer(make(HeadsError, 'BAD_KEY')).body.error.message).to.include('DOMAIN-DETAIL')
    expect(toErrorAnswer(make(LedgerError, 'CORRUPT_ENTRY')).level).to.equal('error')
  })

  it('sends Retry-After on every transient chain error and WWW-Authenticate on 401', () => {
    for (const code of ['RPC_UNREACHABLE', 'RPC_TIMEOUT', 'RPC_BAD_ANSWER', 'RPC_ERROR', 'WAIT_TIMEOUT', 'TX_DROPPED', 'REORGED']) {
      expect(toErrorAnswer(make(ChainError, code)).headers['retry-after'], code).to.equal('5')
    }
    expect(toErrorAnswer(make(ApiError, 'UNAUTHORIZED')).headers['www-authenticate']).to.match(/^Bearer /)
    expect(toErrorAnswer(make(HeadsError, 'BAD_KEY')).headers).to.deep.equal({})
  })

  it('answers 500 INTERNAL without the message for anything else, including look-alike codes and unknown codes', () => {
    const lookAlike = Object.assign(new Error('DOMAIN-DETAIL'), { code: 'BAD_KEY' })
    const unknownCode = make(HeadsError, 'NOT_A_CODE')
    for (const thrown of [new Error('DOMAIN-DETAIL'), lookAlike, unknownCode, 'DOMAIN-DETAIL', null, undefined, { statusCode: 400, message: 'DOMAIN-DETAIL' }]) {
      const a = toErrorAnswer(thrown)
      expect(a.status).to.equal(500)
      expect(a.body.error.code).to.equal('INTERNAL')
      expect(a.body.error.message).to.not.include('DOMAIN-DETAIL')
      expect(a.level).to.equal('error')
    }
  })

  it('maps Fastify\'s own client errors by their FST codes', () => {
    const fst = (code: string, statusCode: number): Error => Object.assign(new Error('fastify says'), { code, statusCode })
    expect(toErrorAnswer(fst('FST_ERR_VALIDATION', 400)).body.error).to.deep.equal({ code: 'BAD_REQUEST', message: 'fastify says' })
    expect(toErrorAnswer(fst('FST_ERR_CTP_BODY_TOO_LARGE', 413)).status).to.equal(413)
    expect(toErrorAnswer(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE')
    expect(toErrorAnswer(fst('FST_ERR_CTP_INVALID_JSON_BODY', 400)).body.error.code).to.equal('BAD_REQUEST')
    expect(toErrorAnswer(fst('FST_ERR_SOMETHING_NEW', 414)).status).to.equal(414)
    expect(toErrorAnswer(fst('FST_ERR_SOMETHING_NEW', 500)).body.error.code).to.equal('INTERNAL')
  })
})

/**
 * TEST DOUBLE (narrow, by design): a ServicePort whose every method throws the error the test
 * arms. It checks only the plumbing from a thrown domain error to the HTTP answer (status,
 * headers, body shape, log level) on each route; the routes' real behaviour is tested against
 * the real service in routes.test.ts and inputs.test.ts.
 */
function throwingServiceDouble (current: () => Error): ServicePort {
  const fail = async (): Promise<never> => { throw current() }
  return {
    info: () => { throw current() },
    trust: () => { throw current() },
    pageCores: fail,
    watchCore: fail,
    watchCores: fail,
    unwatchCore: fail,
    sealNow: fail,
    anchorNow: fail,
    pageBatches: fail,
    pageBatchLeaves: fail,
    pageIncidents: fail,
    pageReceipts: fail,
    receiptAt: fail,
    listMigrations: fail,
    proveRecord: fail,
    cachedVerify: () => null,
    verify: fail,
    auditReport: fail,
    replicaProofs: fail,
    sealerAccount: fail,
    alertsOverview: () => { throw current() },
    testAlerts: fail,
    health: () => { throw current() },
    passStatus: () => { throw current() },
    ready: fail
  }
}

describe('API error plumbing through HTTP (throwing ServicePort test double)', () => {
  const token = 'test-admin-token-0123456789'
  const key = 'ab'.repeat(32)
  const routes = [
    { method: 'GET', url: '/v1/cores' }, { method: 'POST', url: '/v1/cores', payload: { key } }, { method: 'DELETE', url: `/v1/cores/${key}` },
    { method: 'POST', url: '/v1/seal' }, { method: 'GET', url: '/v1/batches' }, { method: 'GET', url: '/v1/incidents' },
    { method: 'GET', url: `/v1/cores/${key}/receipts` }, { method: 'GET', url: `/v1/receipts/${key}/3` }, { method: 'GET', url: '/health' },
    { method: 'POST', url: '/v1/cores', payload: { cores: [{ key }] } }, { method: 'GET', url: '/v1/batches/0/leaves' }
  ] as const

  it('every route answers a thrown domain error with its table status, code and headers, and logs it at its level', async () => {
    let armed: Error = new Error('unset')
    const logs: string[] = []
    const destination = new Writable({ write (chunk: Buffer, _enc, cb) { logs.push(chunk.toString()); cb() } })
    const app = buildApp({ service: throwingServiceDouble(() => armed), adminToken: token, metrics: new Registry(), logger: createLogger({ level: 'debug', destination }) })
    try {
      const samples: Array<[Error, number, string]> = [
        [new ChainError('RPC_TIMEOUT', 'DOMAIN-DETAIL'), 503, 'RPC_TIMEOUT'],
        [new LedgerError('CORRUPT_ENTRY', 'DOMAIN-DETAIL'), 500, 'LEDGER_CORRUPT'],
        [new HeadsError('NOT_WATCHED', 'DOMAIN-DETAIL'), 404, 'NOT_WATCHED'],
        [new SealerError('PASS_RUNNING', 'DOMAIN-DETAIL'), 409, 'PASS_RUNNING'],
        [new TypeError('DOMAIN-DETAIL'), 500, 'INTERNAL']
      ]
      for (const [err, status, code] of samples) {
        armed = err
        for (const r of routes) {
          const res = await app.inject({ method: r.method, url: r.url, headers: { authorization: `Bearer ${token}` }, ...('payload' in r ? { payload: r.payload } : {}) })
          expect(res.statusCode, `${r.method} ${r.url} ${code}`).to.equal(status)
          expect(res.json()).to.deep.equal(toErrorAnswer(err).body)
          expect(res.headers['retry-after']).to.equal(status === 503 ? '5' : status === 409 ? '5' : undefined)
        }
      }
      const lines = logs.map((l) => JSON.parse(l) as { level: number, answer?: string, err?: { code?: string, message: string } })
      const corrupt = lines.filter((l) => l.answer === 'LEDGER_CORRUPT')
      expect(corrupt).to.have.length(routes.length)
      expect(corrupt.every((l) => l.level === 50 && l.err?.code === 'CORRUPT_ENTRY' && l.err.message === 'DOMAIN-DETAIL')).to.equal(true)
      // /ready answers from its background check, which turns any failure into "not ready".
      const ready = await app.inject({ method: 'GET', url: '/ready' })
      expect(ready.statusCode).to.equal(503)
      expect(ready.json().error.code).to.equal('NOT_READY')
      expect(ready.json().checks.service).to.deep.equal({ ok: false, detail: 'the readiness check failed' })
    } finally {
      await app.close()
    }
  })
})
