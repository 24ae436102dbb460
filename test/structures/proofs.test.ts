import { expect } from 'chai'
import fc from 'fast-check'
import { createChainReader, type ChainReader } from '../../src/chain'
import { EvidenceCache, pin } from '../../src/evidence'
import { verifyRecordProof } from '../../src/structures'
import type { RecordProofResult } from '../../src/proof'
import { openApi, type ApiFixture } from '../api/helpers'
import { appendN, onCleanup, runCleanups } from '../heads/helpers'
import { replicaAt, sealedWriter } from '../sealer/helpers'
import { structWriter } from './helpers'

type Json = Record<string, unknown>

async function proofOf (api: ApiFixture, url: string): Promise<Json> {
  const res = await api.app.inject({ method: 'GET', url })
  expect(res.statusCode, res.body).to.equal(200)
  return res.json() as Json
}

async function checker (api: ApiFixture): Promise<(doc: unknown) => Promise<RecordProofResult>> {
  const chain: ChainReader = await createChainReader({ rpcUrl: api.service.rpcUrl! })
  onCleanup(() => chain.close())
  const trust = pin(api.service.trust().root)
  const cache = new EvidenceCache()
  return async (doc) => await verifyRecordProof(doc, { chain, trust, cache })
}

/** Every hex string of the document (but the seal's contract address, whose case is free), with its path. */
function hexLeaves (doc: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof doc === 'string') return /^(0x)?[0-9a-f]{2,}$/.test(doc) && path.at(-1) !== 'contract' ? [path] : []
  if (Array.isArray(doc)) return doc.flatMap((v, i) => hexLeaves(v, [...path, i]))
  if (typeof doc === 'object' && doc !== null) return Object.entries(doc).flatMap(([k, v]) => hexLeaves(v, [...path, k]))
  return []
}

function flipped (doc: Json, path: Array<string | number>, at: number): Json {
  const copy = structuredClone(doc)
  let parent: Record<string | number, unknown> = copy
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>
  const last = path.at(-1)!
  const s = parent[last] as string
  const start = s.startsWith('0x') ? 2 : 0
  const i = start + (at % (s.length - start))
  parent[last] = s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1)
  return copy
}

/** Any one flipped hex character anywhere in the proof is refused. */
async function refusesEveryFlip (check: (doc: unknown) => Promise<RecordProofResult>, doc: Json, runs: number): Promise<void> {
  const leaves = hexLeaves(doc)
  await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: leaves.length - 1 }), fc.nat(), async (which, at) => {
    const result = await check(flipped(doc, leaves[which], at))
    expect(result.ok, `a flip in ${leaves[which].join('.')} was accepted`).to.equal(false)
  }), { numRuns: runs })
}

describe('record proofs: a block, a bee entry, a drive file (real service, writers over TCP)', function () {
  this.timeout(240_000)
  afterEach(runCleanups)

  it('a block is proven against the earliest seal covering it, checked with no replica; any byte flip is refused', async () => {
    const api = await openApi()
    const writer = await sealedWriter(api.service, 10)
    const first = (await api.service.receiptAt(writer.key, 10))!.receipt
    await appendN(writer.core, 5)
    await replicaAt(api.service, writer.key, 15)
    await api.service.sealNow()
    const check = await checker(api)

    const early = await proofOf(api, `/v1/proofs/${writer.key}/3`)
    const ok = await check(early)
    expect(ok.ok, JSON.stringify(ok)).to.equal(true)
    if (!ok.ok) return
    expect(ok.block!.toString()).to.equal('block-3')
    expect(ok.parts[0].length).to.equal(10)
    expect(ok.sealedAt).to.equal(new Date(first.seal.timestamp * 1000).toISOString())
    expect(ok.statement).to.match(/^Block 3 of core .* existed, with these bytes, no later than /)
    expect(JSON.stringify(early).length).to.be.below(4096)

    const late = await check(await proofOf(api, `/v1/proofs/${writer.key}/12`))
    expect(late.ok && late.parts[0].length).to.equal(15)

    await refusesEveryFlip(check, early, 60)
    const moved = await check({ ...early, index: 4 })
    expect(moved.ok === false && moved.code).to.equal('BAD_RECORD')
    const part = (early.parts as Json[])[0]
    const fewer = await check({ ...early, parts: [{ ...part, nodes: (part.nodes as Json[]).slice(1) }] })
    expect(fewer.ok === false && fewer.code).to.equal('TREE_MISMATCH')
    const other = await check({ ...early, parts: [{ ...part, blocks: [{ index: 4, data: Buffer.from('block-4').toString('hex') }] }], index: 4 })
    expect(other.ok === false && other.code).to.equal('TREE_MISMATCH')

    const missing = await api.app.inject({ method: 'GET', url: `/v1/proofs/${writer.key}/15` })
    expect(missing.statusCode).to.equal(404)
    await appendN(writer.core, 1)
    await replicaAt(api.service, writer.key, 16)
    const unsealed = await api.app.inject({ method: 'GET', url: `/v1/proofs/${writer.key}/15` })
    expect(unsealed.statusCode, unsealed.body).to.equal(409)
  })

  it('a bee entry is proven at the version asked, also after it was overwritten', async () => {
    const api = await openApi()
    const w = await structWriter('bee')
    for (let i = 0; i < 40; i++) await w.run({ cmd: 'bee-put', key: `key-${String(i).padStart(3, '0')}`, value: `value ${i}` })
    const before = await w.run({ cmd: 'bee-put', key: 'k', value: 'the first value' })
    await api.service.watchCore(w.key, [w.peer])
    await replicaAt(api.service, w.key, before.version)
    await api.service.sealNow()
    const after = await w.run({ cmd: 'bee-put', key: 'k', value: 'overwritten later' })
    await w.run({ cmd: 'bee-put', key: 'key-zzz', value: 'more' })
    await replicaAt(api.service, w.key, after.version + 1)
    await api.service.sealNow()
    const check = await checker(api)

    const old = await proofOf(api, `/v1/proofs/${w.key}?entry=k&version=${before.version}`)
    const oldResult = await check(old)
    expect(oldResult.ok, JSON.stringify(oldResult)).to.equal(true)
    expect(oldResult.ok && oldResult.entry!.value!.toString()).to.equal('the first value')
    const now = await check(await proofOf(api, `/v1/proofs/${w.key}?entry=k`))
    expect(now.ok && now.entry!.value!.toString()).to.equal('overwritten later')
    expect(now.ok && now.version).to.equal(after.version + 1)
    const absent = await check(await proofOf(api, `/v1/proofs/${w.key}?entry=nothing-here&version=${before.version}`))
    expect(absent.ok && absent.entry!.value).to.equal(null)

    await refusesEveryFlip(check, old, 40)
    const notBee = await api.app.inject({ method: 'GET', url: `/v1/proofs/${w.key}?file=/x.txt` })
    expect(notBee.statusCode, notBee.body).to.equal(400)
  })

  it('a drive file is proven (its entry and its blob blocks) and stays proven after the writer clears it: no rewind', async () => {
    const api = await openApi()
    const w = await structWriter('drive')
    await w.run({ cmd: 'put', path: '/readme.txt', text: 'the drive' })
    const v = await w.run({ cmd: 'put', path: '/docs/report.bin', bytes: 200_000, seed: 5 })
    await api.service.watchCore(w.key, [w.peer])
    await replicaAt(api.service, w.key, v.version)
    await replicaAt(api.service, w.blobs!, v.blobsLength!)
    const pass = await api.service.sealNow()
    const check = await checker(api)

    const proof = await proofOf(api, `/v1/proofs/${w.key}?file=${encodeURIComponent('/docs/report.bin')}`)
    const ok = await check(proof)
    expect(ok.ok, JSON.stringify(ok).slice(0, 2000)).to.equal(true)
    if (!ok.ok) return
    expect(ok.file!.path).to.equal('/docs/report.bin')
    expect(ok.file!.size).to.equal(200_000)
    expect(ok.file!.content.byteLength).to.equal(200_000)
    expect(ok.parts.map((p) => p.role)).to.deep.equal(['db', 'blobs'])
    expect(ok.sealedAt).to.equal(pass.batch!.sealedAt)
    const small = await check(await proofOf(api, `/v1/proofs/${w.key}?file=/readme.txt`))
    expect(small.ok && small.file!.content.toString()).to.equal('the drive')

    // The writer clears the file's blocks (its length, fork and tree do not change).
    await w.run({ cmd: 'clear-blobs', path: '/docs/report.bin' })
    await w.run({ cmd: 'put', path: '/after.txt', text: 'after the clear' })
    const later = await w.run({ cmd: 'version' })
    await replicaAt(api.service, w.key, later.version)
    await replicaAt(api.service, w.blobs!, later.blobsLength!)
    const next = await api.service.sealNow()
    expect(next.incidents).to.deep.equal([])
    expect((await api.service.listIncidents({})).length).to.equal(0)
    const verdict = await api.service.verify(w.key, v.version)
    expect(verdict.status, verdict.reason).to.equal('verified')
    const still = await check(proof)
    expect(still.ok).to.equal(true)
    // The service still holds the blocks it copied: it proves the file again, from the same seals.
    const again = await proofOf(api, `/v1/proofs/${w.key}?file=/docs/report.bin&version=${v.version}`)
    expect(again).to.deep.equal(proof)

    const tooFew = await check({ ...proof, parts: (proof.parts as Json[]).map((p) => p.role === 'blobs' ? { ...p, blocks: (p.blocks as Json[]).slice(1) } : p) })
    expect(tooFew.ok).to.equal(false)
    await refusesEveryFlip(check, proof, 30)
  })
})
