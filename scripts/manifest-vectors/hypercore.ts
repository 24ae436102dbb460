/**
 * Vectors made with hypercore 11.37.1 alone, the way its own tests (test/manifest.js) make
 * multisig cores: the signers sign a tree batch of a named session (`core.core.verifier.sign`),
 * `partialSignature` turns each signature into a proof (with patch nodes when the signer signed
 * a longer tree), `assemble` makes the blob, and the core appends with it.
 */
import { capture, type Core, type Store, type Vector } from './support'

/* eslint-disable @typescript-eslint/no-require-imports */
const crypto = require('hypercore-crypto') as { keyPair (): KeyPair }
const { assemble, partialSignature } = require('hypercore/lib/multisig')
const { DEFAULT_NAMESPACE } = require('hypercore/lib/caps') as { DEFAULT_NAMESPACE: Buffer }
/* eslint-enable @typescript-eslint/no-require-imports */

interface KeyPair { publicKey: Buffer, secretKey: Buffer }

const blocks = (tag: string, n: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from(`${tag}-${i}`))

function signersOf (keyPairs: KeyPair[]): Array<{ signature: string, namespace: Buffer, publicKey: Buffer }> {
  return keyPairs.map((kp) => ({ signature: 'ed25519', namespace: DEFAULT_NAMESPACE, publicKey: kp.publicKey }))
}

/** A signer's proof for a head of `length`, signed over a session holding `signedLength` blocks. */
async function proofOf (core: Core, session: Core, signer: number, keyPair: KeyPair, length: number): Promise<unknown> {
  const signature = core.core.verifier.sign(session.state.createTreeBatch(), keyPair)
  return partialSignature(session, signer, length, session.length, signature)
}

async function quorumCore (store: Store, keyPairs: KeyPair[], allowPatch: boolean): Promise<Core> {
  const core = store.get({ manifest: { quorum: 2, allowPatch, signers: signersOf(keyPairs) } })
  await core.ready()
  return core
}

export async function hypercoreVectors (store: Store): Promise<Vector[]> {
  const vectors: Vector[] = []

  const plain = store.get({ name: 'default-writer' })
  await plain.ready()
  await plain.append(blocks('default', 5))
  vectors.push(await capture('default-single-signer', 'store.get({ name }) and 5 appends: manifest v1, one signer, quorum 1; the writer signs each append.', plain, store))

  const three = [crypto.keyPair(), crypto.keyPair(), crypto.keyPair()]
  const quorum = await quorumCore(store, three, false)
  const batch = quorum.session({ name: 'quorum-batch' })
  await batch.append(blocks('quorum', 7))
  const quorumProofs = [await proofOf(quorum, batch, 0, three[0], 7), await proofOf(quorum, batch, 2, three[2], 7)]
  await quorum.append(blocks('quorum', 7), { signature: assemble(quorumProofs) })
  await batch.close()
  vectors.push(await capture('quorum-2-of-3', 'A manifest of three Ed25519 signers, quorum 2; signers 0 and 2 sign the 7-block tree of a named session, partialSignature + assemble make the blob, the core appends the 7 blocks with it.', quorum, store))

  const pairs = [crypto.keyPair(), crypto.keyPair(), crypto.keyPair()]
  const withPatch = await quorumCore(store, pairs, true)
  const long = withPatch.session({ name: 'patch-long' })
  const short = withPatch.session({ name: 'patch-short' })
  await long.append(blocks('patch', 9))
  await short.append(blocks('patch', 6))
  const patchProofs = [await proofOf(withPatch, long, 0, pairs[0], 6), await proofOf(withPatch, short, 1, pairs[1], 6)]
  await withPatch.append(blocks('patch', 6), { signature: assemble(patchProofs) })
  await long.close()
  await short.close()
  vectors.push(await capture('quorum-patch', 'allowPatch, 2 of 3 signers: signer 0 signed the 9-block tree, signer 1 the 6-block tree; the head is at 6 and signer 0\'s proof carries a patch of 3 blocks with the nodes that grow the 6-block tree into the 9-block one.', withPatch, store))

  const source = store.get({ name: 'prologue-source' })
  await source.ready()
  await source.append(blocks('prologue', 4))
  const prologueKey = crypto.keyPair()
  const prologue = store.get({
    keyPair: prologueKey,
    manifest: { quorum: 1, signers: signersOf([prologueKey]), prologue: { hash: await source.treeHash(), length: 4 } }
  })
  await prologue.ready()
  await prologue.append(blocks('prologue', 4))
  await prologue.append(blocks('after-prologue', 2))
  vectors.push(await capture('prologue', 'A one-signer manifest whose prologue is the 4-block tree of another core; the writer appends the same 4 blocks, then 2 more, and signs at 6.', prologue, store))

  const legacyKey = crypto.keyPair()
  const legacy = store.get({ keyPair: legacyKey, manifest: { version: 0, signers: signersOf([legacyKey]) } })
  await legacy.ready()
  await legacy.append(blocks('legacy', 3))
  vectors.push(await capture('legacy-v0', 'A version 0 manifest with one signer (what Corestore makes with manifestVersion 0): key = hash of the v0 manifest, a raw 64-byte signature whose signable carries the signer\'s namespace.', legacy, store))

  const compatKey = crypto.keyPair()
  const compat = store.get({ key: compatKey.publicKey, keyPair: compatKey })
  await compat.ready()
  await compat.append(blocks('compat', 4))
  vectors.push(await capture('compat', 'A compat core: opened with key = the writer\'s public key, so Hypercore signs the 80-byte compat signable with a raw 64-byte signature.', compat, store))

  return vectors
}
