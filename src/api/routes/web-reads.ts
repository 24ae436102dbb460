import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors'
import { parseLength } from '../query'
import { emptyQuery, errorResponses, keyParams } from '../schemas'
import { PROOF_LENGTHS_MAX } from '../service-port'
import { proofsQuery, replicaProofs, roleAnswer, sealerAccount } from '../web-schemas'
import type { RouteContext } from './context'

/** `1,5,9` → [1, 5, 9]: distinct safe integers ≥ 1, at most PROOF_LENGTHS_MAX. */
function parseLengths (value: string | undefined): number[] {
  if (value === undefined) return []
  const lengths = [...new Set(value.split(',').map((v) => parseLength(v)))]
  if (lengths.length > PROOF_LENGTHS_MAX || lengths.includes(0)) {
    throw new ApiError('BAD_REQUEST', `lengths must name 1 to ${PROOF_LENGTHS_MAX} lengths, each ≥ 1 (a verify plan needs at most three).`)
  }
  return lengths
}

/**
 * What the browser pages read beside the lists, all public (the proofs under the expensive cap):
 * - `GET /v1/cores/:key/proofs?lengths=a,b`: the service's replica as an untrusted verifier reads
 *   it (its head, Hypercore upgrade proofs at those lengths, kept sealed roots), so the browser
 *   checks the tree itself exactly as `hyperseal verify --peer` does. Lengths past the replica's
 *   head are left out; without `lengths`, the head alone.
 * - `GET /v1/sealer`: the sealer account's balance (public on chain anyway) and recent spend.
 * - `GET /v1/role`: the role the request's token gives (403 for a token valid for no role), so a
 *   page can say what a token unlocks before it is used.
 */
export function webReadRoutes (app: FastifyInstance, { service, role, expensive }: RouteContext): void {
  app.get<{ Params: { key: string }, Querystring: { lengths?: string } }>('/v1/cores/:key/proofs', {
    schema: { params: keyParams, querystring: proofsQuery, response: { 200: replicaProofs, ...errorResponses } }
  }, async (request) => {
    const lengths = parseLengths(request.query.lengths)
    // A bounded update from the peers and up to 8 proofs: as costly as a verify, under the same cap.
    return await expensive.run(async () => await service.replicaProofs(request.params.key, lengths))
  })

  app.get('/v1/sealer', {
    schema: { querystring: emptyQuery, response: { 200: sealerAccount, ...errorResponses } }
  }, async () => await service.sealerAccount())

  app.get('/v1/role', {
    schema: { querystring: emptyQuery, response: { 200: roleAnswer, ...errorResponses } }
  }, async (request) => ({ role: role(request) }))
}
