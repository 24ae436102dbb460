import type { FastifyInstance } from 'fastify'
import { emptyQuery, errorResponses } from '../schemas'
import type { RouteContext } from './context'

const hex = { type: 'string' } as const
const trustRoot = {
  type: 'object',
  required: ['v', 'kind', 'name', 'chains', 'receiptsLogs', 'reportKeys'],
  properties: {
    v: { type: 'integer' },
    kind: { type: 'string' },
    name: { type: 'string' },
    chains: {
      type: 'array',
      items: {
        type: 'object',
        required: ['chainId', 'embedded', 'contracts', 'finality', 'rpc'],
        properties: {
          chainId: { type: 'integer' },
          embedded: { type: 'boolean' },
          contracts: { type: 'array', items: { type: 'object', required: ['address', 'codeHash', 'deployBlock'], properties: { address: hex, codeHash: hex, deployBlock: { type: 'integer' } } } },
          finality: { anyOf: [{ type: 'string', enum: ['finalized'] }, { type: 'object', required: ['confirmations'], properties: { confirmations: { type: 'integer' } } }] },
          rpc: { type: 'array', items: { type: 'string' } }
        }
      }
    },
    receiptsLogs: { type: 'array', items: { type: 'object', required: ['key', 'peers'], properties: { key: hex, peers: { type: 'array', items: { type: 'string' } } } } },
    reportKeys: { type: 'array', items: { type: 'object', required: ['alg', 'publicKey'], properties: { alg: { type: 'string' }, publicKey: hex } } },
    // v2: RFC 3161 time-stamping authorities and the certificates their tokens must chain to.
    timestampAuthorities: { type: 'array', items: { type: 'object', required: ['name', 'certificates'], properties: { name: { type: 'string' }, certificates: { type: 'string' } } } }
  }
} as const

/**
 * `GET /v1/trust`: the service's trust root (docs/formats.md), public. Its fingerprint rides in
 * `X-Hyperseal-Trust-Fingerprint`. A verifier pins it once, over a channel it trusts, and from
 * then on trusts the file, not this route.
 */
export function trustRoutes (app: FastifyInstance, { service }: RouteContext): void {
  app.get('/v1/trust', {
    schema: { querystring: emptyQuery, response: { 200: trustRoot, ...errorResponses } }
  }, async (_request, reply) => {
    const { root, fingerprint } = service.trust()
    return reply.header('x-hyperseal-trust-fingerprint', fingerprint).send(root)
  })
}
