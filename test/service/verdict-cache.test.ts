import { expect } from 'chai'
import fc from 'fast-check'
import { VerdictCache, lasting } from '../../src/service/verdict-cache'
import type { Verdict, VerdictStatus } from '../../src/verify'

const verdict = (status: VerdictStatus, sealedAt: string | null, final: boolean): Verdict => ({
  key: 'ab'.repeat(32), version: 3, status, sealedAt, final, receipt: null,
  replica: { length: 3, fork: 0, treeHash: null }, incidents: [], reason: 'r', chain: null, trust: 'cd'.repeat(32), checks: []
})

describe('service: the verdict cache', function () {
  it('keeps only verdicts no later chain answer can change', () => {
    const at = '2026-11-30T00:00:00.000Z'
    expect(lasting(verdict('verified', at, true))).to.equal(true)
    expect(lasting(verdict('verified', at, false)), 'a seal short of finality may be reorganised away').to.equal(false)
    expect(lasting(verdict('rewind', at, false))).to.equal(false)
    expect(lasting(verdict('pending', null, false))).to.equal(true)
    expect(lasting(verdict('invalid', null, false)), 'an RPC answer may be what failed').to.equal(false)
    expect(lasting(verdict('invalid', at, true))).to.equal(false)
  })

  it('answers only for the same core, version and stamp, and forgets the least recently used first', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.constantFrom('a', 'b', 'c')), { maxLength: 60 }), (ops) => {
      const cache = new VerdictCache(4)
      const order: string[] = []
      for (const [version, stamp] of ops) {
        const id = `${version}:${stamp}`
        if (cache.get('k', version, stamp) === null) cache.set('k', version, stamp, { ...verdict('pending', null, false), version })
        // The model: most recently used last.
        if (order.includes(id)) order.splice(order.indexOf(id), 1)
        order.push(id)
        while (order.length > 4) order.shift()
        if (cache.size !== order.length) return false
        const hit = cache.get('k', version, stamp)
        if (hit?.version !== version) return false
        if (cache.get('other', version, stamp) !== null) return false
      }
      return order.every((id) => { const [v, s] = id.split(':'); return cache.get('k', Number(v), s) !== null })
    }))
  })
})
