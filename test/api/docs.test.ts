import { expect } from 'chai'
import { runCleanups } from '../heads/helpers'
import { openApi, type ApiFixture } from './helpers'

interface OpenApiDoc {
  openapi: string
  info: { title: string }
  components: { securitySchemes: Record<string, { type: string, scheme: string }> }
  paths: Record<string, Record<string, { security?: unknown[], responses?: Record<string, unknown>, parameters?: Array<{ name: string, in: string }> }>>
}

// Every route the API declares (src/api/routes), as OpenAPI paths, with its methods.
const ROUTES: Record<string, string[]> = {
  '/v1/verify/{key}/{version}': ['get'],
  '/v1/cores': ['get', 'post'],
  '/v1/cores/{key}': ['delete'],
  '/v1/cores/{key}/receipts': ['get'],
  '/v1/receipts/{key}/{length}': ['get'],
  '/v1/seal': ['post'],
  '/v1/batches': ['get'],
  '/v1/batches/{seq}/leaves': ['get'],
  '/v1/incidents': ['get'],
  '/v1/reports/audit': ['get'],
  '/v1/reports/audit/{id}': ['get'],
  '/health': ['get'],
  '/ready': ['get'],
  '/metrics': ['get'],
  '/v1/alerts': ['get'],
  '/v1/alerts/test': ['post']
}
const ADMIN = new Set(['post /v1/cores', 'delete /v1/cores/{key}', 'post /v1/seal', 'get /v1/reports/audit', 'get /v1/reports/audit/{id}', 'get /v1/alerts', 'post /v1/alerts/test'])

describe('GET /docs (OpenAPI)', function () {
  this.timeout(60_000)
  let api: ApiFixture
  before(async () => { api = await openApi() })
  after(runCleanups)

  it('/docs/json is an OpenAPI 3 document with every route, admin routes under the bearer scheme', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/docs/json' })
    expect(res.statusCode).to.equal(200)
    const doc = res.json() as OpenApiDoc
    expect(doc.openapi).to.match(/^3\./)
    expect(doc.info.title).to.equal('Hyperseal')
    expect(doc.components.securitySchemes.bearerAuth).to.deep.include({ type: 'http', scheme: 'bearer' })
    for (const [path, methods] of Object.entries(ROUTES)) {
      expect(doc.paths, path).to.have.property(path)
      for (const method of methods) {
        const op = doc.paths[path][method]
        expect(op, `${method} ${path}`).to.be.an('object')
        if (ADMIN.has(`${method} ${path}`)) expect(op.security, `${method} ${path}`).to.deep.equal([{ bearerAuth: [] }])
        else expect(op.security, `${method} ${path}`).to.equal(undefined)
      }
    }
    // The verdict route documents its parameters and its error answers from the route schemas.
    const verifyOp = doc.paths['/v1/verify/{key}/{version}'].get
    expect(verifyOp.parameters!.map((p) => `${p.in}:${p.name}`)).to.include.members(['path:key', 'path:version'])
    expect(verifyOp.responses).to.have.property('200')
    expect(verifyOp.responses).to.have.property('4XX')
    // Every list documents its paging parameters.
    for (const path of ['/v1/cores', '/v1/batches', '/v1/batches/{seq}/leaves', '/v1/incidents', '/v1/cores/{key}/receipts']) {
      expect(doc.paths[path].get.parameters!.map((p) => `${p.in}:${p.name}`), path).to.include.members(['query:limit', 'query:cursor'])
    }
  })

  it('/docs answers the Swagger UI as HTML, and the API still answers as before', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/docs' })
    const page = res.statusCode === 302 ? await api.app.inject({ method: 'GET', url: res.headers.location as string }) : res
    expect(page.statusCode).to.equal(200)
    expect(page.headers['content-type']).to.match(/^text\/html/)
    expect(page.body).to.match(/swagger/i)
    const health = await api.app.inject({ method: 'GET', url: '/health' })
    expect(health.statusCode).to.equal(200)
  })
})
