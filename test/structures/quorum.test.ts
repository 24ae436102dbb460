import { expect } from 'chai'
import { decodeMultiSignature, encodeMultiSignature } from '../../src/seal'
import { openApi } from '../api/helpers'
import { localWriter, onCleanup, runCleanups, waitFor } from '../heads/helpers'
import { replicaAt, tamperStoredReceipts } from '../sealer/helpers'
import { blocks, keyPair, quorumAppend, quorumCore } from '../seal/quorum-cores'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Autobase = require('autobase')

interface Node { value: { add?: string, text?: string } | null }
interface Host { addWriter (key: Buffer, opts: { indexer: boolean }): Promise<void> }
type Store = ReturnType<typeof Object>

// An application's Autobase handlers: a view `messages` of every text, and an `add` that makes an indexer.
const handlers = {
  valueEncoding: 'json',
  open: (store: { get (name: string): unknown }) => store.get('messages'),
  async apply (nodes: Node[], view: { append (b: Buffer): Promise<unknown> }, host: Host): Promise<void> {
    for (const { value } of nodes) {
      if (value === null) continue
      if (value.add !== undefined) await host.addWriter(Buffer.from(value.add, 'hex'), { indexer: true })
      else await view.append(Buffer.from(JSON.stringify(value)))
    }
  }
}

/**
 * Autobase's own recipe for reaching a signed state (its test helpers' `sync` and `confirm`):
 * wait until the bases hold the same heads and signed length, then each indexer appends an ack
 * in turn, waiting for the others after each, twice. Calling `ack()` on both bases from a polling
 * loop instead left the view unsigned for good in about one run in eight here (the system core
 * signed at 8, the view at 0, no more acks written).
 */
interface Base { update (): Promise<void>, heads (): Array<{ key: Buffer, length: number }>, updating: boolean, signedLength: number, ackable: boolean, append (v: null): Promise<unknown> }
async function confirm (bases: Base[]): Promise<void> {
  const synced = async (): Promise<boolean> => {
    for (const x of bases) await x.update()
    const [first, ...rest] = bases
    const same = (x: Base): boolean => {
      const h1 = first.heads()
      const h2 = x.heads()
      return h1.length === h2.length && h1.every((h, i) => h.key.equals(h2[i].key) && h.length === h2[i].length)
    }
    return bases.every((x) => !x.updating) && rest.every((x) => same(x) && x.signedLength === first.signedLength)
  }
  await waitFor(synced, 'the bases to hold the same heads', 30_000)
  for (let round = 0; round < 2; round++) {
    for (const x of bases) {
      if (!x.ackable) continue
      await x.append(null)
      await waitFor(synced, 'the bases to hold the same heads after an ack', 30_000)
    }
  }
}

describe('quorum-signed cores sealed and verified end to end (multisig, Autobase)', function () {
  this.timeout(240_000)
  afterEach(runCleanups)

  it('a two-of-three multisig core is sealed at its signed length and verified; one signer alone (below quorum) is refused', async () => {
    const api = await openApi()
    const w = await localWriter()
    const signers = [keyPair(), keyPair(), keyPair()]
    const core = await quorumCore(w.store, signers, 2, false)
    await quorumAppend(core, blocks('m', 6), 6, [{ signer: 0, keyPair: signers[0], length: 6 }, { signer: 2, keyPair: signers[2], length: 6 }])
    const key = (core.key as Buffer).toString('hex')
    await api.service.watchCore(key, [`127.0.0.1:${w.port}`])
    await replicaAt(api.service, key, 6)
    const pass = await api.service.sealNow()
    expect(pass.batch!.heads.map((h) => h.key)).to.include(key)
    const ok = await api.service.verify(key, 6)
    expect(ok.status, ok.reason).to.equal('verified')
    expect(ok.receipt!.head.length).to.equal(6)

    // The stored receipt's signature keeps signer 0's proof only: valid bytes, one signer, quorum 2.
    await tamperStoredReceipts(api.service, key, (r) => {
      const sig = decodeMultiSignature(Buffer.from(r.head.signature, 'hex'), 1)
      r.head.signature = encodeMultiSignature({ ...sig, proofs: sig.proofs.slice(0, 1) }).toString('hex')
    })
    const forged = await api.service.verify(key, 6)
    expect(forged.status).to.equal('invalid')
    expect(forged.checks.find((c) => c.check === 'signature')?.ok).to.equal(false)
  })

  it('an Autobase with two indexers: its system core and its view, watched by key, are sealed at the indexers\' signed length and verified', async () => {
    const api = await openApi()
    const wa = await localWriter()
    const wb = await localWriter()
    const s1 = wa.store.replicate(true)
    const s2 = wb.store.replicate(false)
    s1.pipe(s2).pipe(s1)
    onCleanup(() => { s1.destroy(); s2.destroy() })
    const a = new Autobase(wa.store as Store, null, handlers)
    await a.ready()
    const b = new Autobase(wb.store as Store, a.key, handlers)
    await b.ready()
    onCleanup(async () => { await a.close(); await b.close() })
    await a.append({ add: b.local.key.toString('hex') })
    await waitFor(async () => { await confirm([a, b]); return b.isIndexer as boolean }, 'B to become an indexer', 60_000)
    for (let i = 0; i < 4; i++) {
      await a.append({ text: `a-${i}` })
      await b.append({ text: `b-${i}` })
    }
    await waitFor(async () => { await confirm([a, b]); return a.view.signedLength >= 8 && a.core.signedLength > 0 }, 'both indexers to sign the view', 60_000)
    const view = { key: (a.view.key as Buffer).toString('hex'), length: a.view.signedLength as number }
    const system = { key: (a.core.key as Buffer).toString('hex'), length: a.core.signedLength as number }

    await api.service.watchCores([{ key: view.key, peers: [`127.0.0.1:${wa.port}`] }, { key: system.key, peers: [`127.0.0.1:${wa.port}`] }])
    await waitFor(() => api.service.watcher.watched().filter((c) => (c.key === view.key && c.length >= view.length) || (c.key === system.key && c.length >= system.length)).length === 2, 'the replicas at the signed lengths', 30_000)
    const pass = await api.service.sealNow()
    const sealed = new Map(pass.batch!.heads.map((h) => [h.key, h.length]))
    expect(sealed.get(view.key)).to.be.at.least(view.length)
    expect(sealed.get(system.key)).to.be.at.least(system.length)
    for (const part of [view, system]) {
      const v = await api.service.verify(part.key, sealed.get(part.key)!)
      expect(v.status, v.reason).to.equal('verified')
      expect(v.receipt!.head.manifest).to.not.equal('')
    }
  })
})
