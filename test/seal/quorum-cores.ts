/**
 * Real quorum-signed Hypercores, made the way hypercore 11's own tests make them
 * (test/manifest.js "multisig - patches"): each signer signs the tree of a named session that
 * holds the blocks it has seen (`core.core.verifier.sign`), `partialSignature` turns that into
 * its proof (with patch nodes when it saw more blocks than the head), `assemble` makes the blob,
 * and the core appends the head's blocks with it. Used by the tests and the vector script.
 */

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const hcrypto = require('hypercore-crypto') as { keyPair (): KeyPair }
const { partialSignature } = require('hypercore/lib/multisig')
const { DEFAULT_NAMESPACE } = require('hypercore/lib/caps') as { DEFAULT_NAMESPACE: Buffer }
export type Core = any
export type Store = any
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */

export interface KeyPair { publicKey: Buffer, secretKey: Buffer }

export const keyPair = (): KeyPair => hcrypto.keyPair()

export const blocks = (tag: string, n: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from(`${tag}-${i}`))

export function signersOf (keyPairs: KeyPair[]): Array<{ signature: string, namespace: Buffer, publicKey: Buffer }> {
  return keyPairs.map((kp) => ({ signature: 'ed25519', namespace: DEFAULT_NAMESPACE, publicKey: kp.publicKey }))
}

/** An empty core of a `quorum`-of-n manifest (no key pair: it appends only with a quorum blob). */
export async function quorumCore (store: Store, keyPairs: KeyPair[], quorum: number, allowPatch: boolean, version = 1): Promise<Core> {
  const core = store.get({ manifest: { version, quorum, allowPatch, signers: signersOf(keyPairs) } })
  await core.ready()
  return core
}

export interface Signing {
  /** Index of the signer in the manifest. */
  signer: number
  keyPair: KeyPair
  /** The length of the tree it signs (≥ the head's; more makes a patch). */
  length: number
}

/**
 * Appends `data[0..length)` to an empty quorum core with the blob of these signings, assembled
 * by the core's own verifier (`assemble`, or `assemblev0` for a v0 manifest).
 */
export async function quorumAppend (core: Core, data: Buffer[], length: number, signings: Signing[]): Promise<void> {
  const proofs = []
  for (const s of signings) {
    const session = core.session({ name: `signer-${s.signer}-${s.length}` })
    await session.append(data.slice(0, s.length))
    const signature = core.core.verifier.sign(session.state.createTreeBatch(), s.keyPair)
    proofs.push(await partialSignature(session, s.signer, length, s.length, signature))
    await session.close()
  }
  await core.append(data.slice(0, length), { signature: core.core.verifier.assemble(proofs) })
}
