import { expect } from 'chai'
import Hyperbee from 'hyperbee'
import { checkReceipt, type HeadJson } from '../../src/seal'
import { openDataDir, ReceiptsLog, RECEIPTS_CORE, type DataDir } from '../../src/ledger'
import { at, expectCode, HeadSource, rootsOf, sealedBatch, sealOf, TempDirs } from './helpers'

const T0 = '2026-01-01T00:00:00.000Z'
const T1 = '2026-01-02T00:00:00.000Z'
const T2 = '2026-01-03T00:00:00.000Z'

describe('ledger: receipts log', function () {
  const dirs = new TempDirs()
  let dataDir: DataDir
  let log: ReceiptsLog
  let a: HeadSource
  let b: HeadSource

  beforeEach(async function () {
    dataDir = await openDataDir(dirs.make())
    log = await ReceiptsLog.open(dataDir.store)
    a = await HeadSource.create(dataDir.store, 'core-a')
    b = await HeadSource.create(dataDir.store, 'core-b')
  })

  afterEach(async function () {
    await log.close()
    await dataDir.close()
    dirs.cleanup()
  })

  /** Batch 0 at T0: a@3, b@5 · batch 1 at T1: a@10 · batch 2 at T2: a@20, b@5 again. */
  async function threeBatches (): Promise<Array<{ seq: number, root: string }>> {
    const [a3, a10, a20] = await a.all([3, 10, 20])
    const b5 = await b.at(5)
    const out = []
    for (const [heads, t] of [[[a3, b5], T0], [[a10], T1], [[a20, b5], T2]] as Array<[HeadJson[], string]>) {
      const input = sealedBatch(heads, at(t))
      const { seq, created } = await log.appendBatch(input)
      expect(created).to.equal(true)
      out.push({ seq, root: input.seal.root })
    }
    return out
  }

  it('answers earliest ≥ v, latest, exactly L and all-oldest-first with range reads', async function () {
    const batches = await threeBatches()
    expect(batches.map((x) => x.seq)).to.deep.equal([0, 1, 2])

    const earliest = async (v: number): Promise<[number, number] | null> => {
      const r = await log.earliestReceipt(a.key, v)
      return r === null ? null : [r.receipt.head.length, r.batch]
    }
    expect(await earliest(0)).to.deep.equal([3, 0])
    expect(await earliest(3)).to.deep.equal([3, 0])
    expect(await earliest(4)).to.deep.equal([10, 1])
    expect(await earliest(11)).to.deep.equal([20, 2])
    expect(await earliest(21)).to.equal(null)

    expect((await log.latestReceipt(a.key))?.receipt.head.length).to.equal(20)
    expect((await log.latestReceipt(Buffer.from(b.key, 'hex')))?.batch).to.equal(2)
    expect(await log.latestReceipt('00'.repeat(32))).to.equal(null)

    expect((await log.receiptsAt(b.key, 5)).map((r) => r.batch)).to.deep.equal([0, 2])
    expect(await log.receiptsAt(a.key, 4)).to.deep.equal([])
    expect((await log.receipts(a.key.toUpperCase())).map((r) => r.receipt.head.length)).to.deep.equal([3, 10, 20])

    const stored = await log.earliestReceipt(a.key, 4)
    expect(checkReceipt(stored?.receipt).ok).to.equal(true)
    expect(stored?.receipt.seal.root).to.equal(batches[1].root)
  })

  it('finds batches by seq, root, latest and time range [from, to)', async function () {
    const batches = await threeBatches()
    const batch = await log.getBatch(1)
    expect(batch?.root).to.equal(batches[1].root)
    expect(batch?.leafCount).to.equal(1)
    expect(batch?.sealedAt).to.equal(T1)
    expect((await log.batchByRoot(batches[2].root))?.seq).to.equal(2)
    expect(await log.batchByRoot('0x' + '11'.repeat(32))).to.equal(null)
    expect(await log.getBatch(3)).to.equal(null)
    expect((await log.latestBatch())?.seq).to.equal(2)
    expect((await log.listBatches()).map((x) => x.seq)).to.deep.equal([0, 1, 2])
    expect((await log.listBatches({ from: T1 })).map((x) => x.seq)).to.deep.equal([1, 2])
    expect((await log.listBatches({ to: new Date(T1) })).map((x) => x.seq)).to.deep.equal([0])
    expect((await log.listBatches({ from: T1, to: T2 })).map((x) => x.seq)).to.deep.equal([1])
    await expectCode(log.listBatches({ from: 'yesterday' }), 'BAD_INPUT')
  })

  it('rewrites the same batch as a no-op and refuses to change a recorded one (APPEND_ONLY)', async function () {
    const input = sealedBatch([await a.at(4)], at(T0))
    expect(await log.appendBatch(input)).to.deep.equal({ seq: 0, created: true })
    const length = log.core.length
    expect(await log.appendBatch(structuredClone(input))).to.deep.equal({ seq: 0, created: false })
    expect(log.core.length).to.equal(length)

    const otherTx = { ...input, seal: sealOf(input.seal.root, 1, at(T0)) }
    otherTx.receipts = input.receipts.map(({ receipt }) => ({ receipt: { ...receipt, seal: otherTx.seal } }))
    await expectCode(log.appendBatch(otherTx), 'APPEND_ONLY')
    const flagged = { ...input, receipts: [{ ...input.receipts[0], contradicts: 'fork' as const }] }
    await expectCode(log.appendBatch(flagged), 'APPEND_ONLY')
    expect(log.core.length).to.equal(length)
    expect((await log.getBatch(0))?.seal.txHash).to.equal(input.seal.txHash)
  })

  it('refuses malformed batches with BAD_INPUT and writes nothing', async function () {
    const [h1, h2] = await a.all([1, 2])
    const good = sealedBatch([h1, h2], at(T0))
    const other = sealedBatch([h2], at(T0))
    const length = log.core.length
    await expectCode(log.appendBatch({ ...good, leaves: [h1] }), 'BAD_INPUT') // leaves do not give the root
    await expectCode(log.appendBatch({ ...good, leaves: [h1, { ...h2, fork: 1 }] }), 'BAD_INPUT') // bad signature
    await expectCode(log.appendBatch({ ...good, receipts: [good.receipts[0], good.receipts[0]] }), 'BAD_INPUT')
    await expectCode(log.appendBatch({ ...good, receipts: other.receipts }), 'BAD_INPUT') // another seal
    const proof = [...good.receipts[0].receipt.proof].reverse().map((n, i) => (i === 0 ? '0x' + 'ab'.repeat(32) : n))
    await expectCode(log.appendBatch({ ...good, receipts: [{ receipt: { ...good.receipts[0].receipt, proof } }] }), 'BAD_INPUT')
    await expectCode(log.appendBatch({ ...good, seal: { ...good.seal, leafCount: 3 } }), 'BAD_INPUT')
    await expectCode(log.appendBatch({ ...good, receipts: [{ ...good.receipts[0], contradicts: 'oops' as 'fork' }] }), 'BAD_INPUT')
    expect(log.core.length).to.equal(length)
  })

  it('keeps contradictions on the batch and on the receipt', async function () {
    const input = sealedBatch([await a.at(2), await b.at(2)], at(T0), { 1: 'rewind' })
    await log.appendBatch(input)
    expect((await log.getBatch(0))?.contradictions).to.deep.equal([{ key: b.key, length: 2, kind: 'rewind' }])
    expect((await log.latestReceipt(b.key))?.contradicts).to.equal('rewind')
    expect((await log.latestReceipt(a.key))?.contradicts).to.equal(undefined)
  })

  it('records an incident once per identity (kind and pair of heads) and lists them by time and by core', async function () {
    const [a1, a2, a3] = await a.all([1, 2, 3])
    const [b1, b2] = await b.all([1, 2])
    const ia = { key: a.key, kind: 'rewind' as const, detectedAt: T1, sealed: a2, observed: a1, evidence: { note: 'truncated' } }
    const ib = { key: b.key, kind: 'fork' as const, detectedAt: T0, sealed: b1, observed: b2, evidence: {} }
    const ic = { key: a.key, kind: 'rewind' as const, detectedAt: T1, sealed: a3, observed: a1, evidence: {} }
    const id = { key: a.key, kind: 'fork' as const, detectedAt: T2, sealed: a3, observed: a2, evidence: {} }
    expect((await log.appendIncident(ia)).created).to.equal(true)
    expect((await log.appendIncident(ib)).created).to.equal(true)
    const second = await log.appendIncident(ic)
    expect(second.created).to.equal(true) // same time, another pair
    expect((await log.appendIncident(id)).created).to.equal(true) // same pair, another kind

    // Seen again later, by another detector, with other evidence: the same incident.
    const again = await log.appendIncident({ ...ia, detectedAt: T2, evidence: { note: 'seen by another path' } })
    expect(again.created).to.equal(false)
    expect(again.incident).to.deep.equal(ia)
    expect((await log.appendIncident(structuredClone(ia))).id).to.equal(again.id)
    // A fork has no direction: its heads the other way round are the same fork.
    const swapped = await log.appendIncident({ ...ib, sealed: b2, observed: b1, detectedAt: T2 })
    expect(swapped).to.deep.include({ created: false, incident: ib })
    // A rewind has one: the other way round is another claim.
    expect((await log.appendIncident({ ...ia, sealed: a1, observed: a2 })).created).to.equal(true)
    expect(second.id).to.not.equal(again.id)

    const times = (list: Array<{ detectedAt: string, key: string }>): string[] => list.map((i) => `${i.key.slice(0, 4)}@${i.detectedAt.slice(8, 10)}`)
    const ka = a.key.slice(0, 4)
    const kb = b.key.slice(0, 4)
    expect(times(await log.listIncidents())).to.deep.equal([`${kb}@01`, `${ka}@02`, `${ka}@02`, `${ka}@02`, `${ka}@03`])
    expect(times(await log.listIncidents({ key: a.key }))).to.deep.equal([`${ka}@02`, `${ka}@02`, `${ka}@02`, `${ka}@03`])
    expect(times(await log.listIncidents({ from: T1, to: T2 }))).to.deep.equal([`${ka}@02`, `${ka}@02`, `${ka}@02`])
    expect(times(await log.listIncidents({ key: b.key, from: T1 }))).to.deep.equal([])
    expect((await log.listIncidents({ key: a.key, to: T2 }))[0]).to.deep.equal(ia)

    await expectCode(log.appendIncident({ ...ia, observed: b1 }), 'BAD_INPUT')
    await expectCode(log.appendIncident({ ...ia, detectedAt: 'tuesday' }), 'BAD_INPUT')
    await expectCode(log.appendIncident({ ...ia, evidence: { big: 1n } as unknown as Record<string, unknown> }), 'BAD_INPUT')
  })

  it('keeps the roots of each sealed head, checked on write and on read', async function () {
    const s = await HeadSource.create(dataDir.store, 'core-roots')
    const head = await s.at(10)
    const roots = await rootsOf(s.core)
    const input = sealedBatch([head], at(T0))
    const withRoots = { ...input, receipts: [{ ...input.receipts[0], roots }] }
    const wrong = roots.map((r, i) => (i === 0 ? { ...r, size: r.size + 1 } : r))
    await expectCode(log.appendBatch({ ...input, receipts: [{ ...input.receipts[0], roots: wrong }] }), 'BAD_INPUT')
    await expectCode(log.appendBatch({ ...input, receipts: [{ ...input.receipts[0], roots: roots.slice(1) }] }), 'BAD_INPUT')
    await log.appendBatch(withRoots)
    expect((await log.latestReceipt(s.key))?.roots).to.deep.equal(roots)

    // Rewritten behind the log's back: the roots no longer give the head's tree hash.
    await log.close()
    const raw = new Hyperbee(dataDir.store.get({ name: RECEIPTS_CORE }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
    await raw.ready()
    for await (const e of raw.createReadStream({ gte: `receipt!${s.key}!`, lt: `receipt!${s.key}!~` })) {
      await raw.put(e.key, { ...(e.value as object), roots: wrong })
    }
    await raw.close()
    log = await ReceiptsLog.open(dataDir.store)
    await expectCode(log.latestReceipt(s.key), 'CORRUPT_ENTRY')
  })

  it('records a reseal: the new batch names the roots it seals again, found by resealedRoots', async function () {
    const [first] = await threeBatches()
    const old = (await log.getBatch(first.seq))!
    expect(await log.resealedRoots()).to.deep.equal(new Set())
    const again = { ...sealedBatch(old.leaves.concat([await a.at(21)]), at(T2)), resealOf: [first.root] }
    const { seq } = await log.appendBatch(again)
    expect((await log.getBatch(seq))?.resealOf).to.deep.equal([first.root])
    expect(await log.resealedRoots()).to.deep.equal(new Set([first.root]))
    expect((await log.recentBatches(2)).map((x) => x.seq)).to.deep.equal([seq, seq - 1])
    await expectCode(log.appendBatch({ ...again, resealOf: ['0x12'] }), 'BAD_INPUT')
  })

  it('tells when the log changed since its own last seal, beyond that seal\'s own receipts', async function () {
    expect(await log.unsealedChanges()).to.equal(false) // empty
    // The first batch cannot hold the log's head (the log was empty): its receipts are discounted.
    await log.appendBatch(sealedBatch([await a.at(1)], at(T0)))
    expect(await log.unsealedChanges()).to.equal(false)
    // A batch that seals the log's head: its own receipts, written after that head, do not count.
    const own = await HeadSource.fromCore(log.core)
    await log.appendBatch(sealedBatch([await a.at(2), await own.now()], at(T1)))
    expect(await log.unsealedChanges()).to.equal(false)
    // An incident written since does.
    const [b1, b2] = await b.all([1, 2])
    await log.appendIncident({ key: b.key, kind: 'fork', detectedAt: T1, sealed: b1, observed: b2, evidence: {} })
    expect(await log.unsealedChanges()).to.equal(true)
    // Sealed with it, the log is quiet again.
    await log.appendBatch(sealedBatch([await own.now()], at(T2)))
    expect(await log.unsealedChanges()).to.equal(false)
  })

  it('keeps everything across close and reopen, under the same public key', async function () {
    const batches = await threeBatches()
    const key = Buffer.from(log.key)
    const discoveryKey = Buffer.from(log.discoveryKey)
    expect(key.byteLength).to.equal(32)
    const dir = dataDir.dir
    await log.close()
    await dataDir.close()
    dataDir = await openDataDir(dir)
    log = await ReceiptsLog.open(dataDir.store)
    expect(log.key.equals(key)).to.equal(true)
    expect(log.discoveryKey.equals(discoveryKey)).to.equal(true)
    expect((await log.batchByRoot(batches[1].root))?.seq).to.equal(1)
    expect((await log.receipts(a.key)).map((r) => r.receipt.head.length)).to.deep.equal([3, 10, 20])
    expect((await log.appendBatch(sealedBatch([await (await HeadSource.create(dataDir.store, 'core-c')).at(1)], at(T2)))).seq).to.equal(3)
  })

  it('reports a tampered entry as CORRUPT_ENTRY instead of crashing', async function () {
    const batches = await threeBatches()
    const [a3, a10] = await a.all([3, 10])
    const incident = { key: a.key, kind: 'rewind' as const, detectedAt: T1, sealed: a10, observed: a3, evidence: {} }
    await log.appendIncident(incident)
    await log.close()
    // Write behind the log's back through a plain Hyperbee on the same core.
    const raw = new Hyperbee(dataDir.store.get({ name: RECEIPTS_CORE }), { keyEncoding: 'utf-8', valueEncoding: 'binary' })
    await raw.ready()
    const receiptKeys: string[] = []
    for await (const e of raw.createReadStream({ gte: 'receipt!', lt: 'receipt!~' })) receiptKeys.push(String(e.key))
    await raw.put(receiptKeys[0], Buffer.from('{not json'))
    await raw.put('batch!0000000000000001', Buffer.from(JSON.stringify({ v: 1, seq: 1 })))
    await raw.put('batch!0000000000000000', Buffer.from(JSON.stringify((await raw.get('batch!0000000000000002', { valueEncoding: 'json' }))?.value)))
    await raw.put(`root!${batches[1].root}`, Buffer.from('2'))
    await raw.put(`incident-t!${T2}!${a.key}!0000000000000000`, Buffer.from(JSON.stringify(incident)))
    await raw.close()
    log = await ReceiptsLog.open(dataDir.store)
    await expectCode(log.batchByRoot(batches[1].root), 'CORRUPT_ENTRY') // points to batch 2
    await expectCode(log.listIncidents(), 'CORRUPT_ENTRY') // filed under another time
    expect(await log.listIncidents({ key: a.key })).to.deep.equal([incident])
    const first = receiptKeys[0].split('!')[1]
    await expectCode(log.receipts(first), 'CORRUPT_ENTRY')
    await expectCode(log.getBatch(1), 'CORRUPT_ENTRY')
    await expectCode(log.getBatch(0), 'CORRUPT_ENTRY') // holds batch 2
    await expectCode(log.listBatches(), 'CORRUPT_ENTRY')
  })

  it('refuses every call once closed (CLOSED)', async function () {
    await log.close()
    await expectCode(log.latestBatch(), 'CLOSED')
    await expectCode(log.appendBatch(sealedBatch([await a.at(1)], at(T0))), 'CLOSED')
    log = await ReceiptsLog.open(dataDir.store)
  })
})
