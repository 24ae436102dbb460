import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors'
import { parseLength } from '../query'
import { errorResponses } from '../schemas'
import { proofIndexParams, proofKeyParams, proofQuery, recordProof } from '../proof-schemas'
import type { RouteContext } from './context'

/**
 * Record proofs (docs/formats.md "Record proof"), public and under the cap on expensive requests:
 * `GET /v1/proofs/:key/:index` a block; `GET /v1/proofs/:key?entry=k[&version=v]` a Hyperbee
 * entry; `GET /v1/proofs/:key?file=/path[&version=v]` a Hyperdrive file. 404 for no such block,
 * entry or file (or a core not watched), 409 NOT_SEALED when no seal covers it yet, 400
 * NOT_A_STRUCTURE for an entry of a non-bee or a file of a non-drive, 413 past a proof's bounds.
 */
export function proofRoutes (app: FastifyInstance, { service, expensive }: RouteContext): void {
  app.get<{ Params: { key: string, index: string } }>('/v1/proofs/:key/:index', {
    schema: {
      summary: 'A record proof of one block (docs/formats.md "Record proof")',
      description: 'The receipt of the earliest seal covering block `index`, the block\'s bytes and the Hypercore tree nodes that fold it into the sealed tree hash; check it with `hyperseal verify-proof`.',
      params: proofIndexParams,
      response: { 200: recordProof, ...errorResponses }
    }
  }, async (request) => {
    const index = parseLength(request.params.index)
    return await expensive.run(() => service.proveRecord(request.params.key, { index }))
  })

  app.get<{ Params: { key: string }, Querystring: { entry?: string, file?: string, version?: string } }>('/v1/proofs/:key', {
    schema: {
      summary: 'A record proof of a Hyperbee entry (?entry=) or a Hyperdrive file (?file=)',
      description: 'At `version` (default: the latest the service holds; a bee\'s version is its core\'s length): the blocks Hyperbee\'s get(entry) reads, or the drive entry and its blob blocks, each part proven against the earliest seal covering it.',
      params: proofKeyParams,
      querystring: proofQuery,
      response: { 200: recordProof, ...errorResponses }
    }
  }, async (request) => {
    const { entry, file } = request.query
    if ((entry === undefined) === (file === undefined)) throw new ApiError('BAD_REQUEST', 'Give exactly one of entry (a Hyperbee key) or file (a Hyperdrive path); a block is /v1/proofs/:key/:index.')
    const version = request.query.version === undefined ? undefined : parseLength(request.query.version)
    if (version === 0) throw new ApiError('BAD_REQUEST', 'version must be at least 1.')
    const at = version === undefined ? {} : { version }
    return await expensive.run(() => service.proveRecord(request.params.key, entry !== undefined ? { entry: Buffer.from(entry, 'utf8'), ...at } : { file: file!, ...at }))
  })
}
