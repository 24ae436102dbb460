import { expect } from 'chai'
import { Registry } from 'prom-client'
import { buildApp } from '../../src/api'
import { runCleanups } from '../heads/helpers'
import { openApi } from './helpers'

describe('rate limiting of the public routes', function () {
  this.timeout(60_000)
  afterEach(runCleanups)

  it('answers 429 RATE_LIMITED past the limit, with Retry-After, but never limits the admin', async () => {
    const { service, token } = await openApi()
    const app = buildApp({ service, adminToken: token, metrics: new Registry(), rateLimit: { max: 5, timeWindowMs: 60_000 } })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 7; i++) statuses.push((await app.inject({ method: 'GET', url: '/v1/cores' })).statusCode)
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429])
      const limited = await app.inject({ method: 'GET', url: '/v1/batches' })
      expect(limited.statusCode).to.equal(429)
      expect(limited.json().error.code).to.equal('RATE_LIMITED')
      expect(limited.headers['retry-after']).to.be.a('string')
      for (let i = 0; i < 10; i++) {
        const admin = await app.inject({ method: 'GET', url: '/v1/cores', headers: { authorization: `Bearer ${token}` } })
        expect(admin.statusCode).to.equal(200)
      }
    } finally {
      await app.close()
    }
  })
})
