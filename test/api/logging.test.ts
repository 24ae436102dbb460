import { expect } from 'chai'
import fc from 'fast-check'
import { Writable } from 'node:stream'
import { createLogger } from '../../src/api'
import { CENSOR, redactSecrets, redactUrl } from '../../src/api/logging'
import { ChainError } from '../../src/chain'
import { errInfo } from '../../src/util'

function captured (): { logger: ReturnType<typeof createLogger>, lines: () => Array<Record<string, unknown>> } {
  const out: string[] = []
  const destination = new Writable({ write (chunk: Buffer, _enc, cb) { out.push(chunk.toString()); cb() } })
  return { logger: createLogger({ level: 'debug', destination }), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe('API logging redaction (src/api/logging.ts)', () => {
  it('censors key/token/secret-named fields at any depth, keeping the public `key` of a core', () => {
    const out = redactSecrets({
      key: 'ab'.repeat(32),
      sealerKey: '0xdead',
      nested: { privateKey: 'x', adminToken: 'y', list: [{ apiKey: 'z', password: 'p', ok: 1 }], headers: { authorization: 'Bearer t', cookie: 'c' } }
    })
    expect(out).to.deep.equal({
      key: 'ab'.repeat(32),
      sealerKey: CENSOR,
      nested: { privateKey: CENSOR, adminToken: CENSOR, list: [{ apiKey: CENSOR, password: CENSOR, ok: 1 }], headers: { authorization: CENSOR, cookie: CENSOR } }
    })
  })

  it('property: no value under a secret-named field survives, whatever the object', () => {
    const secretName = fc.constantFrom('token', 'adminToken', 'sealerKey', 'privateKey', 'secret', 'password', 'authorization', 'x_api_key', 'TOKEN')
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), secretName), tie('node'), { maxKeys: 4 }))
    })).node
    fc.assert(fc.property(tree, secretName, fc.string({ minLength: 12, maxLength: 20 }).map((s) => `SECRET-${s}`), (obj, name, secret) => {
      const text = JSON.stringify(redactSecrets({ wrap: obj, [name]: secret, deeper: { [name]: { inner: secret } } }))
      expect(text).to.not.include(secret)
    }), { numRuns: 200 })
  })

  it('censors credential-like query values in logged URLs, keeping paths and the public key filter', () => {
    expect(redactUrl('/v1/seal?token=abc&from=1')).to.equal(`/v1/seal?token=${CENSOR}&from=1`)
    expect(redactUrl('/x?access_token=abc&key=ab')).to.equal(`/x?access_token=${CENSOR}&key=ab`)
    expect(redactUrl('/x?%74oken=abc')).to.equal(`/x?%74oken=${CENSOR}`)
    expect(redactUrl('/x?%E0%A4%A=abc')).to.equal(`/x?%E0%A4%A=${CENSOR}`)
    expect(redactUrl('/v1/cores')).to.equal('/v1/cores')
  })

  it('writes errors as { code, message } whether given raw or through errInfo, and redacts raw secret fields', () => {
    const { logger, lines } = captured()
    const err = new ChainError('RPC_TIMEOUT', 'no answer')
    logger.error({ err }, 'raw')
    logger.error({ err: errInfo(err), sealerKey: '0xsecret', req: { headers: { authorization: 'Bearer abc' } } }, 'info')
    const [raw, info] = lines()
    expect(raw.err).to.deep.equal({ code: 'RPC_TIMEOUT', message: 'no answer' })
    expect(info.err).to.deep.equal({ code: 'RPC_TIMEOUT', message: 'no answer' })
    expect(info.sealerKey).to.equal(CENSOR)
    expect(JSON.stringify(info)).to.not.include('Bearer abc')
  })
})
