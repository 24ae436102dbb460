import fc from 'fast-check'
import { expect } from 'chai'
import { runCleanups } from '../heads/helpers'
import { sealedWriter } from '../sealer/helpers'
import { openApi } from '../api/helpers'
import { checkAnswer, requestArbitrary } from './requests'

describe('fuzz: hostile requests on every route (real service)', function () {
  this.timeout(180_000)
  afterEach(runCleanups)

  it('never answers 5xx and always answers a 4xx with a coded error', async () => {
    const api = await openApi()
    const writer = await sealedWriter(api.service, 3)
    const ctx = { app: api.app, token: api.token, key: writer.key }
    const statuses = new Map<number, number>()
    await fc.assert(fc.asyncProperty(requestArbitrary(ctx), async (req) => {
      const { status } = await checkAnswer(ctx, req)
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }), { numRuns: 400 })
    // The model reaches both sides: accepted requests and each kind of rejection.
    for (const status of [200, 400, 401, 403, 404]) expect(statuses.get(status) ?? 0, `answers with ${status}`).to.be.greaterThan(0)
  })
})
