/**
 * A hyper-multisig core, made the way its README's flow makes one: three signers make
 * password-protected keys with hypercore-sign-lib, a signing request is made from a source core,
 * two of the three sign it, and `commitCore` writes the quorum-signed head into the multisig
 * core. `force` skips hyper-multisig's checks that other peers seed the cores (there is no swarm
 * here: the vector is made on one machine, and the swarm object only receives `join` calls).
 */
import { capture, type Store, type Vector } from './support'

/* eslint-disable @typescript-eslint/no-require-imports */
const HyperMultisig = require('hyper-multisig')
const CoreSign = require('hypercore-sign-lib')
const z32 = require('z32') as { encode (b: Buffer): string, decode (s: string): Buffer }
const sodium = require('sodium-native')
/* eslint-enable @typescript-eslint/no-require-imports */

const NAMESPACE = 'hyperseal-manifest-vectors'

/** hypercore-sign-lib wipes the password buffer after each use, so each call gets its own. */
function password (): Buffer {
  const pwd = sodium.sodium_malloc(16)
  pwd.write('vector-password!')
  return pwd
}

export async function multisigVector (store: Store): Promise<Vector> {
  const signers: Array<{ publicKey: Buffer, secretKey: Buffer }> = []
  for (let i = 0; i < 3; i++) signers.push(await CoreSign.generateKeys(password()))
  const publicKeys = signers.map((s) => z32.encode(s.publicKey))

  const swarm = { join: () => ({ flushed: async () => {} }) }
  const multisig = new HyperMultisig(store, swarm)
  const source = store.get({ name: 'multisig-source' })
  await source.ready()
  await source.append(Array.from({ length: 5 }, (_, i) => Buffer.from(`release-${i}`)))

  const { request } = await multisig.requestCore(publicKeys, NAMESPACE, source, 5, { force: true }).done()
  const responses: string[] = []
  for (const i of [0, 1]) responses.push(z32.encode(await CoreSign.sign(request, signers[i].secretKey, password())))
  const { core, quorum } = await multisig.commitCore(publicKeys, NAMESPACE, source, z32.encode(request), responses, { force: true }).done()
  if (quorum !== 2) throw new Error(`hyper-multisig committed with ${quorum} signatures, not 2`)
  return capture('hyper-multisig', 'hyper-multisig 2.4.0: three hypercore-sign-lib signers (default quorum 2), a signing request for 5 blocks of a source core, signed by signers 0 and 1, committed with commitCore.', core, store)
}
