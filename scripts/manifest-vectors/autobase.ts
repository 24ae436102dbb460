/**
 * Autobase 7.28.1 with two indexers: base A is created, adds base B as an indexer, and both
 * write and ack until the indexers have signed the system core and the view (quorum 2 of 2,
 * allowPatch, a namespace per view). The heads are then captured where the sealer would see
 * them: from a third Corestore that replicates the cores by key, as a plain reader.
 */
import { capture, Corestore, tempDir, until, type Core, type Store, type Vector } from './support'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Autobase = require('autobase')

interface Node { value: { add?: string, text?: string } | null }
interface Host { addWriter (key: Buffer, opts: { indexer: boolean }): Promise<void> }

const handlers = {
  valueEncoding: 'json',
  open: (store: Store): Core => store.get('messages'),
  async apply (nodes: Node[], view: Core, host: Host): Promise<void> {
    for (const { value } of nodes) {
      if (value === null) continue
      if (value.add !== undefined) await host.addWriter(Buffer.from(value.add, 'hex'), { indexer: true })
      else await view.append(Buffer.from(JSON.stringify(value)))
    }
  }
}

function pipe (a: Store, b: Store): () => void {
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  return () => { s1.destroy(); s2.destroy() }
}

async function readerHead (name: string, made: string, source: Store, key: Buffer, length: number): Promise<Vector> {
  const tmp = tempDir('autobase-reader')
  const reader = new Corestore(tmp.dir)
  const unpipe = pipe(source, reader)
  try {
    const core = reader.get({ key })
    await core.ready()
    await until(`the reader of ${name} to reach length ${length}`, async () => {
      await core.update({ wait: true })
      return core.length >= length
    })
    const vector = await capture(name, made, core, reader)
    await core.close()
    return vector
  } finally {
    unpipe()
    await reader.close()
    tmp.remove()
  }
}

export async function autobaseVectors (): Promise<Vector[]> {
  const dirs = [tempDir('autobase-a'), tempDir('autobase-b')]
  const stores = dirs.map((d) => new Corestore(d.dir))
  const unpipe = pipe(stores[0], stores[1])
  const a = new Autobase(stores[0], null, handlers)
  await a.ready()
  const b = new Autobase(stores[1], a.key, handlers)
  await b.ready()
  try {
    await a.append({ add: b.local.key.toString('hex') })
    await until('B to become an indexer', async () => {
      await a.update()
      await b.update()
      return b.isIndexer as boolean
    })
    for (let i = 0; i < 4; i++) {
      await a.append({ text: `a-${i}` })
      await b.append({ text: `b-${i}` })
    }
    await until('both indexers to sign the view', async () => {
      await a.update()
      await b.update()
      await a.ack()
      await b.ack()
      return a.view.signedLength >= 8 && a.core.signedLength > 0
    })
    const view = await readerHead(
      'autobase-view',
      'Autobase 7.28.1, two indexers (A created the base, added B as an indexer); 8 messages applied to the view `messages`; the view head as a plain reader replicates it by key: manifest with 2 signers, quorum 2, allowPatch.',
      stores[0], a.view.key, a.view.signedLength)
    const system = await readerHead(
      'autobase-system',
      'The system core of the same Autobase (the base\'s indexed state), as a plain reader replicates it by key: quorum 2 of the two indexers.',
      stores[0], a.core.key, a.core.signedLength)
    return [view, system]
  } finally {
    await a.close()
    await b.close()
    unpipe()
    for (const s of stores) await s.close()
    for (const d of dirs) d.remove()
  }
}
