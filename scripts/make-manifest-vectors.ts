/**
 * Writes test/fixtures/manifest-vectors.json: real signed heads of every kind of Hypercore 11
 * manifest, each made by the library that makes such cores (hypercore 11.37.1, hyper-multisig,
 * autobase) in a temp Corestore and captured as the sealer captures it (`readHead`).
 * test/fixtures/manifest-vectors.md says how each one is made.
 *
 *   npx ts-node --transpile-only scripts/make-manifest-vectors.ts
 *
 * Every head is checked three times before it is written: Hypercore's own verifier accepts it
 * (the code a replica runs), a fresh reader replicating the core ends at the same length and
 * tree hash, and our verifier accepts it. Re-running makes new keys and signatures.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { autobaseVectors } from './manifest-vectors/autobase'
import { hypercoreVectors } from './manifest-vectors/hypercore'
import { multisigVector } from './manifest-vectors/hyper-multisig'
import { Corestore, tempDir, type Vector } from './manifest-vectors/support'

const OUT = join(__dirname, '..', 'test', 'fixtures', 'manifest-vectors.json')

async function main (): Promise<void> {
  const tmp = tempDir('store')
  const store = new Corestore(tmp.dir)
  await store.ready()
  try {
    const vectors: Vector[] = [
      ...await hypercoreVectors(store),
      await multisigVector(store),
      ...await autobaseVectors()
    ]
    writeFileSync(OUT, JSON.stringify({ v: 1, hypercore: '11.37.1', vectors }, null, 2) + '\n')
    console.log(`wrote ${vectors.length} vectors to ${OUT}`)
  } finally {
    await store.close()
    tmp.remove()
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err)
    process.exitCode = 1
  })
}
