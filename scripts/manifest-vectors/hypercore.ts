/**
 * Vectors made with hypercore 11.37.1 alone; quorum cores the way its own tests make them
 * (test/seal/quorum-cores.ts).
 */
import { blocks, keyPair, quorumAppend, quorumCore, signersOf } from '../../test/seal/quorum-cores'
import { capture, type Store, type Vector } from './support'

export async function hypercoreVectors (store: Store): Promise<Vector[]> {
  const vectors: Vector[] = []

  const plain = store.get({ name: 'default-writer' })
  await plain.ready()
  await plain.append(blocks('default', 5))
  vectors.push(await capture('default-single-signer', 'store.get({ name }) and 5 appends: manifest v1, one signer, quorum 1; the writer signs each append.', plain, store))

  const three = [keyPair(), keyPair(), keyPair()]
  const quorum = await quorumCore(store, three, 2, false)
  await quorumAppend(quorum, blocks('quorum', 7), 7, [{ signer: 0, keyPair: three[0], length: 7 }, { signer: 2, keyPair: three[2], length: 7 }])
  vectors.push(await capture('quorum-2-of-3', 'A manifest of three Ed25519 signers, quorum 2; signers 0 and 2 sign the 7-block tree of a named session, partialSignature + assemble make the blob, the core appends the 7 blocks with it.', quorum, store))

  const pairs = [keyPair(), keyPair(), keyPair()]
  const patched = await quorumCore(store, pairs, 2, true)
  await quorumAppend(patched, blocks('patch', 9), 6, [{ signer: 0, keyPair: pairs[0], length: 9 }, { signer: 1, keyPair: pairs[1], length: 6 }])
  vectors.push(await capture('quorum-patch', 'allowPatch, 2 of 3 signers: signer 0 signed the 9-block tree, signer 1 the 6-block tree; the head is at 6 and signer 0\'s proof carries a patch of 3 blocks with the nodes that grow the 6-block tree into the 9-block one.', patched, store))

  const source = store.get({ name: 'prologue-source' })
  await source.ready()
  await source.append(blocks('prologue', 4))
  const prologueKey = keyPair()
  const prologue = store.get({
    keyPair: prologueKey,
    manifest: { quorum: 1, signers: signersOf([prologueKey]), prologue: { hash: await source.treeHash(), length: 4 } }
  })
  await prologue.ready()
  await prologue.append(blocks('prologue', 4))
  await prologue.append(blocks('after-prologue', 2))
  vectors.push(await capture('prologue', 'A one-signer manifest whose prologue is the 4-block tree of another core; the writer appends the same 4 blocks, then 2 more, and signs at 6.', prologue, store))

  const legacyKey = keyPair()
  const legacy = store.get({ keyPair: legacyKey, manifest: { version: 0, signers: signersOf([legacyKey]) } })
  await legacy.ready()
  await legacy.append(blocks('legacy', 3))
  vectors.push(await capture('legacy-v0', 'A version 0 manifest with one signer (what Corestore makes with manifestVersion 0): key = hash of the v0 manifest, a raw 64-byte signature whose signable carries the signer\'s namespace.', legacy, store))

  const v0Pairs = [keyPair(), keyPair(), keyPair()]
  const v0Quorum = await quorumCore(store, v0Pairs, 2, true, 0)
  await quorumAppend(v0Quorum, blocks('v0-quorum', 5), 4, [{ signer: 1, keyPair: v0Pairs[1], length: 4 }, { signer: 2, keyPair: v0Pairs[2], length: 5 }])
  vectors.push(await capture('legacy-v0-quorum-patch', 'A version 0 manifest of three signers, quorum 2, allowPatch: signer 1 signed 4 blocks, signer 2 signed 5; the head is at 4, the blob in the v0 layout (assemblev0) with a patch of 1 block for signer 2.', v0Quorum, store))

  const compatKey = keyPair()
  const compat = store.get({ key: compatKey.publicKey, keyPair: compatKey })
  await compat.ready()
  await compat.append(blocks('compat', 4))
  vectors.push(await capture('compat', 'A compat core: opened with key = the writer\'s public key, so Hypercore signs the 80-byte compat signable with a raw 64-byte signature.', compat, store))

  return vectors
}
