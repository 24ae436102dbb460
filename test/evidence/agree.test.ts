/**
 * Issue 10 item 5: the service and the independent CLI give the same verdict for the same inputs.
 *
 * Random writer histories (appends, seals, rewinds: truncate and write again), and replicas of
 * them (the writer's own, a stale or short copy taken along the way, a second writer of the same
 * key that signed another history). For every replica and each interesting version, the verdict
 * of the service's verify path (ledger receipts and incidents, the replica read locally) equals
 * the independent CLI's (the receipts log replicated as witness, the replica as an untrusted peer
 * whose answers are checked as upgrade proofs). Real service, anvil, Corestores and TCP.
 */
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { expect } from 'chai'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import fc from 'fast-check'
import { verifyIndependently } from '../../src/cli/verify-independent'
import { EvidenceCache, pin } from '../../src/evidence'
import { localReplica, type HeadWatcher } from '../../src/heads'
import { verifyCore, type VerifyDeps } from '../../src/service/verify-core'
import type { Verdict, VerdictStatus } from '../../src/verify'
import { startService, type LiveService } from '../cli/helpers'
import { appendN, localWriter, runCleanups, serveStore, tempDir, waitFor } from '../heads/helpers'

type Op =
  | { t: 'append', n: number }
  | { t: 'seal' }
  | { t: 'rewind', at: number, n: number }
  | { t: 'copy' }
  | { t: 'fork', at: number, n: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('append' as const), n: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ t: 'seal' as const }),
  fc.record({ t: fc.constant('rewind' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), n: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ t: 'copy' as const }),
  fc.record({ t: fc.constant('fork' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), n: fc.integer({ min: 1, max: 3 }) })
)

/** A replica to judge: where the service's path reads it (the core) and where the CLI dials it. */
interface Replica { name: string, core: Hypercore, port: number }

const TIMEOUT_MS = 20_000

describe('the service and the independent CLI agree (property)', function () {
  this.timeout(900_000)
  let live: LiveService
  const seen = new Set<VerdictStatus>()

  before(async () => { live = await startService() })
  after(runCleanups)

  /** A full copy of the writer's core as it is now, then cut off from it: a stale or short replica later. */
  async function copyOf (writer: { core: Hypercore, port: number }, name: string): Promise<Replica> {
    const store = new Corestore(tempDir('hs-agree-copy-'))
    const core = store.get({ key: writer.core.key })
    await core.ready()
    const { port } = await serveStore(store)
    const socket = connect(writer.port, '127.0.0.1')
    const stream = store.replicate(true)
    socket.pipe(stream).pipe(socket)
    socket.on('error', () => {})
    stream.on('error', () => {})
    try {
      const length = writer.core.length
      await waitFor(() => core.length >= length, `${name} at length ${length}`, TIMEOUT_MS)
      for (let i = 0; i < length; i++) await core.get(i)
    } finally {
      socket.destroy()
      stream.destroy()
    }
    return { name, core, port }
  }

  /** Another Corestore holding the writer's key pair: it copies the first `at` blocks, then signs blocks of its own. */
  async function forkOf (writer: { core: Hypercore }, primaryKey: Buffer, at: number, n: number, name: string): Promise<Replica> {
    const other = await localWriter(tempDir('hs-agree-fork-'), { primaryKey })
    expect(other.key).to.equal(writer.core.key.toString('hex'))
    const blocks: Buffer[] = []
    for (let i = 0; i < at; i++) blocks.push(await writer.core.get(i) as Buffer)
    if (blocks.length > 0) await other.core.append(blocks)
    await appendN(other.core, n, `other-${name}`)
    return { name, core: other.core, port: other.port }
  }

  function serviceDeps (replica: Replica): VerifyDeps {
    const { root } = live.service.trust()
    return {
      watcher: { replicaSource: async () => localReplica(replica.core, { timeoutMs: TIMEOUT_MS }) } as unknown as HeadWatcher,
      log: live.service.log,
      journal: live.service.journal,
      reader: (live.service as unknown as { reader: VerifyDeps['reader'] }).reader,
      trust: pin(root),
      cache: new EvidenceCache(),
      updateTimeoutMs: TIMEOUT_MS
    }
  }

  /** What must be the same in both verdicts (the reasons' wording and the checks' details may differ by source). */
  function gist (v: Verdict): unknown {
    return {
      status: v.status,
      sealedAt: v.sealedAt,
      final: v.final,
      receipt: v.receipt === null ? null : { root: v.receipt.seal.root, head: v.receipt.head },
      replica: v.replica,
      incidents: v.incidents.map((i) => ({ kind: i.kind, agreed: i.agreed ?? null })),
      trust: v.trust
    }
  }

  async function run (ops: Op[]): Promise<void> {
    const primaryKey = randomBytes(32)
    const writer = await localWriter(tempDir('hs-agree-writer-'), { primaryKey })
    const key = writer.key
    const replicas: Replica[] = [{ name: 'writer', core: writer.core, port: writer.port }]
    const sealed: number[] = []
    await appendN(writer.core, 2, 'start')
    await live.service.watchCore(key, [`127.0.0.1:${writer.port}`])

    const caughtUp = async (): Promise<void> => {
      await waitFor(() => {
        const c = live.service.watcher.watched().find((w) => w.key === key)
        return c?.length === writer.core.length && c.fork === writer.core.fork
      }, `the service's replica at ${writer.core.length} (fork ${writer.core.fork})`, TIMEOUT_MS)
    }
    const seal = async (): Promise<void> => {
      await caughtUp()
      await live.service.sealNow()
      sealed.push(writer.core.length)
    }

    await seal()
    for (const [i, o] of ops.entries()) {
      if (o.t === 'append') await appendN(writer.core, o.n, `f${writer.core.fork}`)
      else if (o.t === 'seal') await seal()
      else if (o.t === 'rewind') {
        await caughtUp()
        await writer.core.truncate(Math.floor(o.at * writer.core.length))
        await appendN(writer.core, o.n, `f${writer.core.fork}`)
      } else if (o.t === 'copy') replicas.push(await copyOf(writer, `copy ${i}`))
      else replicas.push(await forkOf(writer, primaryKey, Math.floor(o.at * writer.core.length), o.n, `fork ${i}`))
    }
    // The last word: the service has seen the writer's history as it ends and recorded what it proves.
    await seal()

    const trust = pin(live.service.trust().root)
    for (const replica of replicas) {
      const lengths = [...sealed, replica.core.length]
      const versions = [...new Set([1, ...lengths, ...lengths.map((l) => l + 1)])].filter((v) => v >= 1).sort((a, b) => a - b)
      for (const version of versions) {
        const service = await verifyCore(serviceDeps(replica), key, version)
        const cli = (await verifyIndependently(key, version, { trust, offline: false, peers: [`127.0.0.1:${replica.port}`], logPeers: [], timeoutMs: TIMEOUT_MS })).verdict
        const where = `${replica.name} (length ${replica.core.length}, fork ${replica.core.fork}), version ${version}, after ${JSON.stringify(ops)}; service: ${service.reason} / cli: ${cli.reason}`
        expect(gist(cli), where).to.deep.equal(gist(service))
        seen.add(service.status)
      }
    }
  }

  it('for random histories, rewinds and forks, on every replica and version, the verdicts are the same', async () => {
    // Examples that reach every status a replica can get: verified, pending, behind (a short
    // copy), rewind (a stale copy of a rewound history), fork (another history of the same key,
    // longer than the seal at 5 and different there).
    const examples: Array<[Op[]]> = [
      [[{ t: 'copy' }, { t: 'append', n: 2 }, { t: 'seal' }, { t: 'append', n: 1 }]],
      [[{ t: 'append', n: 2 }, { t: 'seal' }, { t: 'copy' }, { t: 'rewind', at: 0.25, n: 3 }]],
      [[{ t: 'append', n: 3 }, { t: 'seal' }, { t: 'fork', at: 0.4, n: 4 }, { t: 'append', n: 1 }]]
    ]
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 2, maxLength: 6 }), run), { numRuns: 8, examples, endOnFailure: true })
    expect([...seen].sort()).to.include.members(['behind', 'fork', 'pending', 'rewind', 'verified'])
  })
})
