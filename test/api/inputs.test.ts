import { expect } from 'chai'
import fc from 'fast-check'
import { encode as encodeId } from 'hypercore-id-encoding'
import { localWriter, runCleanups } from '../heads/helpers'
import { errorCode, openApi, type ApiFixture } from './helpers'

const HEX = 'ab'.repeat(32)
/** z-base-32 of a key is 52 characters carrying 260 bits; the last must leave the 4 spare bits zero. */
function nonCanonicalZ32 (): string {
  const good = encodeId(Buffer.from(HEX, 'hex'))
  const alphabet = 'ybndrfg8ejkmcpqxot1uwisza345h769'
  const last = alphabet.indexOf(good[51])
  return good.slice(0, 51) + alphabet[last ^ 1]
}

/** Seal passes run so far, from the service's own metric. */
async function passCount (fx: ApiFixture): Promise<number> {
  const lines = (await fx.app.inject({ method: 'GET', url: '/metrics' })).body.match(/^hyperseal_seal_passes_total\{[^}]*\} \d+$/gm) ?? []
  return lines.map((l) => Number(l.split(' ')[1])).reduce((a, b) => a + b, 0)
}

const ADMIN_ROUTES: Array<{ method: 'POST' | 'DELETE', url: string, payload?: object }> = [
  { method: 'POST', url: '/v1/cores', payload: { key: HEX } },
  { method: 'DELETE', url: `/v1/cores/${HEX}` },
  { method: 'POST', url: '/v1/seal' },
  { method: 'POST', url: '/v1/anchors/run' },
  { method: 'POST', url: '/v1/alerts/test' }
]

describe('API inputs on a real service: auth, schemas, limits, logs, fuzz', function () {
  this.timeout(120_000)
  let fx: ApiFixture

  before(async () => { fx = await openApi() })
  after(runCleanups)

  describe('auth', () => {
    it('answers 401 UNAUTHORIZED with WWW-Authenticate: Bearer when the token is missing or not a Bearer token', async () => {
      for (const route of ADMIN_ROUTES) {
        for (const authorization of [undefined, '', `Basic ${fx.token}`, 'Bearer', `Token ${fx.token}`]) {
          const res = await fx.app.inject({ ...route, headers: authorization === undefined ? {} : { authorization } })
          expect(res.statusCode, `${route.method} ${route.url} ${String(authorization)}`).to.equal(401)
          expect(errorCode(res)).to.equal('UNAUTHORIZED')
          expect(res.headers['www-authenticate']).to.match(/^Bearer\b/)
        }
      }
    })

    it('answers 403 FORBIDDEN for a wrong token of any length, and lets the right one through (scheme case-insensitive)', async () => {
      const wrong = [fx.token.slice(0, -1) + (fx.token.endsWith('A') ? 'B' : 'A'), fx.token + 'x', 'x'.repeat(16), fx.token.slice(1)]
      for (const route of ADMIN_ROUTES) {
        for (const token of wrong) {
          const res = await fx.app.inject({ ...route, headers: { authorization: `Bearer ${token}` } })
          expect(res.statusCode).to.equal(403)
          expect(errorCode(res)).to.equal('FORBIDDEN')
        }
      }
      const ok = await fx.app.inject({ method: 'POST', url: '/v1/seal', headers: { authorization: `bearer ${fx.token}` } })
      expect(ok.statusCode).to.equal(200)
    })

    it('refuses a token in the query string (400 TOKEN_IN_QUERY) on every route, even the right one, and runs nothing', async () => {
      const before = await passCount(fx)
      for (const url of [`/v1/seal?token=${fx.token}`, `/v1/seal?access_token=${fx.token}`, `/v1/seal?Access_Token=${fx.token}`]) {
        const res = await fx.app.inject({ method: 'POST', url })
        expect(res.statusCode).to.equal(400)
        expect(errorCode(res)).to.equal('TOKEN_IN_QUERY')
      }
      expect(await passCount(fx)).to.equal(before)
      expect(errorCode(await fx.app.inject({ method: 'GET', url: '/v1/cores?token=leaked-public-1234' }))).to.equal('TOKEN_IN_QUERY')
      expect(errorCode(await fx.app.inject({ method: 'GET', url: '/health?api_key=leaked-public-1234' }))).to.equal('TOKEN_IN_QUERY')
    })

    it('never writes the admin token, a query token or the Authorization header to the logs', async () => {
      const marker = 'query-secret-' + Date.now()
      await fx.app.inject({ method: 'GET', url: `/v1/batches?token=${marker}` })
      await fx.app.inject({ method: 'POST', url: `/v1/seal?access_token=${marker}x` })
      await fx.app.inject({ method: 'DELETE', url: `/v1/cores/${HEX}`, headers: { authorization: `Bearer ${marker}-wrong` } })
      await fx.admin({ method: 'DELETE', url: `/v1/cores/${HEX}` }) // 404 NOT_WATCHED, logged with the request
      const text = fx.logs.join('')
      expect(text).to.include('request completed') // the request logs are really captured
      expect(text).to.include('[Redacted]')
      expect(text).to.not.include(fx.token)
      expect(text).to.not.include(marker)
    })
  })

  describe('schemas', () => {
    it('rejects malformed keys in params and queries with 400, and non-canonical z-base-32 with BAD_KEY', async () => {
      const bad = ['a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), 'z'.repeat(51), '0x' + 'a'.repeat(62), '%20' + 'a'.repeat(61)]
      for (const key of bad) {
        for (const url of [`/v1/cores/${key}/receipts`, `/v1/receipts/${key}/1`, `/v1/incidents?key=${key}`]) {
          const res = await fx.app.inject({ method: 'GET', url })
          expect(res.statusCode, url).to.equal(400)
          expect(errorCode(res)).to.equal('BAD_REQUEST')
        }
        const del = await fx.admin({ method: 'DELETE', url: `/v1/cores/${key}` })
        expect(del.statusCode).to.equal(400)
      }
      const z = nonCanonicalZ32()
      for (const url of [`/v1/cores/${z}/receipts`, `/v1/receipts/${z}/1`, `/v1/incidents?key=${z}`]) {
        const res = await fx.app.inject({ method: 'GET', url })
        expect(res.statusCode, url).to.equal(400)
        expect(errorCode(res)).to.equal('BAD_KEY')
      }
    })

    it('accepts lengths 0..2^53-1 and rejects -1, 1.5, 1e400, abc, 01, 2^53 with 400', async () => {
      for (const length of ['-1', '1.5', '1e400', 'abc', '01', '+1', '0x10', '9007199254740992', '99999999999999999', ' 1']) {
        const res = await fx.app.inject({ method: 'GET', url: `/v1/receipts/${HEX}/${encodeURIComponent(length)}` })
        expect(res.statusCode, length).to.equal(400)
        expect(errorCode(res)).to.equal('BAD_REQUEST')
      }
      for (const length of ['0', '1', '9007199254740991']) {
        const res = await fx.app.inject({ method: 'GET', url: `/v1/receipts/${HEX}/${length}` })
        expect(res.statusCode, length).to.equal(404)
        expect(errorCode(res)).to.equal('NOT_FOUND')
      }
    })

    it('rejects bad time filters and unknown query parameters with 400', async () => {
      for (const q of ['from=yesterday', 'from=2026-02-31', 'from=2026-13-01', 'to=2026-01-01T25:00:00Z', 'from=2026-01-01T10:00:00',
        'from=-1', 'from=1.5', 'from=2000&to=1000', 'limit=0', 'limit=1001', 'limit=01', 'limit=-1', 'limit=1e2', 'limit=2&limit=3',
        'cursor=a&cursor=b', 'from=1&from=2', `from=${'1'.repeat(41)}`]) {
        const res = await fx.app.inject({ method: 'GET', url: `/v1/batches?${q}` })
        expect(res.statusCode, q).to.equal(400)
        expect(errorCode(res)).to.equal('BAD_REQUEST')
      }
      expect((await fx.app.inject({ method: 'GET', url: '/v1/cores?x=1' })).statusCode).to.equal(400)
      expect((await fx.app.inject({ method: 'GET', url: '/v1/incidents?from=2026-11-25T12:00:00%2B02:00&to=1999999999' })).statusCode).to.equal(200)
    })

    it('rejects bad watch bodies: missing or extra fields, wrong types, bad keys (BAD_KEY) and peers (BAD_PEER)', async () => {
      const cases: Array<[unknown, string]> = [
        [{}, 'BAD_REQUEST'],
        [{ key: HEX, extra: 1 }, 'BAD_REQUEST'],
        [{ key: 42 }, 'BAD_REQUEST'],
        [{ key: HEX, peers: '127.0.0.1:1' }, 'BAD_REQUEST'],
        [{ key: HEX, peers: [1] }, 'BAD_REQUEST'],
        [{ key: HEX, peers: Array(65).fill('127.0.0.1:1') }, 'BAD_REQUEST'],
        [[HEX], 'BAD_REQUEST'],
        [{ key: 'nope' }, 'BAD_KEY'],
        [{ key: nonCanonicalZ32() }, 'BAD_KEY'],
        [{ key: HEX, peers: ['nohost'] }, 'BAD_PEER'],
        [{ key: HEX, peers: ['127.0.0.1:0'] }, 'BAD_PEER'],
        [{ key: HEX, peers: ['999.1.1.1:80'] }, 'BAD_PEER']
      ]
      for (const [payload, code] of cases) {
        const res = await fx.admin({ method: 'POST', url: '/v1/cores', payload: payload as object })
        expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).to.equal(400)
        expect(errorCode(res)).to.equal(code)
      }
      const list = (await fx.app.inject({ method: 'GET', url: '/v1/cores' })).json().cores
      expect(list).to.deep.equal([]) // nothing half-watched
    })

    it('answers 400 for invalid or empty JSON, 415 for other content types, 413 for a huge body', async () => {
      const json = { 'content-type': 'application/json' }
      expect(errorCode(await fx.admin({ method: 'POST', url: '/v1/cores', payload: '{"key":', headers: json }))).to.equal('BAD_REQUEST')
      expect(errorCode(await fx.admin({ method: 'POST', url: '/v1/cores', payload: '', headers: json }))).to.equal('BAD_REQUEST')
      expect(errorCode(await fx.admin({ method: 'POST', url: '/v1/cores', payload: '{"__proto__":{"x":1},"key":"a"}', headers: json }))).to.equal('BAD_REQUEST')
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
        const res = await fx.admin({ method: 'POST', url: '/v1/cores', payload: `key=${HEX}`, headers: { 'content-type': type } })
        expect(res.statusCode, type).to.equal(415)
        expect(errorCode(res)).to.equal('UNSUPPORTED_MEDIA_TYPE')
      }
      // Past the watch route's own limit (room for a bulk watch of 10,000 cores).
      const huge = JSON.stringify({ key: HEX, peers: Array(300_000).fill('127.0.0.1:8481') })
      const res = await fx.admin({ method: 'POST', url: '/v1/cores', payload: huge, headers: json })
      expect(res.statusCode).to.equal(413)
      expect(errorCode(res)).to.equal('PAYLOAD_TOO_LARGE')
      // Unauthenticated bodies are not even read.
      expect((await fx.app.inject({ method: 'POST', url: '/v1/cores', payload: huge, headers: json })).statusCode).to.equal(401)
    })

    it('answers unknown routes and methods with 404 NOT_FOUND in the error shape, without echoing the query', async () => {
      for (const [method, url] of [['GET', '/nope'], ['GET', '/v1/receipts'], ['PUT', '/v1/cores'], ['GET', `/v1/cores/${'a'.repeat(300)}/receipts`]] as const) {
        const res = await fx.app.inject({ method, url: `${url}?q=secret-ish` })
        expect(res.statusCode, `${method} ${url}`).to.equal(404)
        expect(errorCode(res)).to.equal('NOT_FOUND')
        expect(res.body).to.not.include('secret-ish')
      }
    })

    it('answers only the schema\'s fields: a watched core\'s answer has exactly the CoreView fields', async () => {
      const writer = await localWriter()
      const res = await fx.admin({ method: 'POST', url: '/v1/cores', payload: { key: writer.key } })
      expect(Object.keys(res.json().core).sort()).to.deep.equal(['addedAt', 'fork', 'key', 'kind', 'label', 'lastSeal', 'length', 'peers', 'stale'])
      expect((await fx.admin({ method: 'DELETE', url: `/v1/cores/${writer.key}` })).statusCode).to.equal(204)
    })
  })

  it('fuzz: arbitrary params, queries and bodies never get a 5xx, and every error has the error shape', async () => {
    const keyish = fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[0-9a-fA-F]{60,68}$/), fc.stringMatching(/^[ybndrfg8ejkmcpqxot1uwisza345h769]{50,54}$/), fc.constant(HEX))
    const lengthish = fc.oneof(fc.string({ maxLength: 25 }), fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map(String), fc.double().map(String))
    const timeish = fc.oneof(fc.string({ maxLength: 45 }), fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid' : d.toISOString())), fc.integer().map(String))
    // Peers that are invalid, or valid only on 127.0.0.1: a valid host name would be dialled (a DNS lookup).
    const peerish = fc.oneof(fc.string({ maxLength: 30 }).map((p) => p.replace(/:/g, '')), fc.integer({ min: -5, max: 70_000 }).map((p) => `127.0.0.1:${p}`),
      fc.constantFrom('[::1]:99999', '999.1.1.1:80', 'localhost', '127.0.0.1:'))
    const enc = encodeURIComponent
    const request = fc.oneof(
      fc.tuple(keyish, lengthish).map(([k, l]) => ({ method: 'GET' as const, url: `/v1/receipts/${enc(k)}/${enc(l)}` })),
      keyish.map((k) => ({ method: 'GET' as const, url: `/v1/cores/${enc(k)}/receipts` })),
      keyish.map((k) => ({ method: 'DELETE' as const, url: `/v1/cores/${enc(k)}`, admin: true })),
      fc.tuple(timeish, timeish, fc.option(keyish)).map(([f, t, k]) => ({ method: 'GET' as const, url: `/v1/incidents?from=${enc(f)}&to=${enc(t)}${k === null ? '' : `&key=${enc(k)}`}` })),
      fc.tuple(fc.constantFrom('from', 'to', 'key', 'x', '__proto__', 'constructor'), timeish).map(([n, v]) => ({ method: 'GET' as const, url: `/v1/batches?${n}=${enc(v)}` })),
      fc.jsonValue({ maxDepth: 3 }).map((body) => ({ method: 'POST' as const, url: '/v1/cores', payload: JSON.stringify(body), admin: true })),
      fc.record({ key: keyish, peers: fc.array(peerish, { maxLength: 4 }) }).map((body) => ({ method: 'POST' as const, url: '/v1/cores', payload: JSON.stringify(body), admin: true }))
    )
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const headers: Record<string, string> = 'payload' in r ? { 'content-type': 'application/json' } : {}
      if ('admin' in r) headers.authorization = `Bearer ${fx.token}`
      const res = await fx.app.inject({ method: r.method, url: r.url, headers, ...('payload' in r ? { payload: r.payload } : {}) })
      expect(res.statusCode, `${r.method} ${r.url} ${res.body}`).to.be.below(500)
      if (res.statusCode >= 400) expect(res.json().error.code).to.be.a('string')
      // A fuzzed body that happens to be a valid watch: undo it so the service stays small.
      if (res.statusCode === 201) await fx.admin({ method: 'DELETE', url: `/v1/cores/${res.json().core.key}` })
    }), { numRuns: 300 })
  })
})
