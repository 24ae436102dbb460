/**
 * Tampering trials: a real receipt (sealed by a real service on anvil) mutated at random — one
 * field of the head, the seal or the proof changed to another value — then verified with the
 * chain's real answers. None may come out `verified`. Shared by test/fuzz/tamper.test.ts and
 * bench/tamper.ts.
 */
import { createChainReader, type ChainReader } from '../../src/chain'
import { gatherVerifyInput, pin, type PinnedTrust } from '../../src/evidence'
import type { HypersealService } from '../../src/service'
import { sealedWriter } from '../sealer/helpers'
import type { Receipt } from '../../src/seal'
import { verify, type ReplicaView, type Verdict } from '../../src/verify'

type Rand = () => number

const HEX = '0123456789abcdef'

/** Another hex digit at a random position (never just a change of letter case). */
export function flipHex (value: string, rand: Rand): string {
  const start = value.startsWith('0x') ? 2 : 0
  const i = start + Math.floor(rand() * (value.length - start))
  const old = value[i].toLowerCase()
  const next = HEX[(HEX.indexOf(old) + 1 + Math.floor(rand() * 15)) % 16]
  return value.slice(0, i) + next + value.slice(i + 1)
}

/** One random mutation of a receipt: returns the changed copy and which field changed. */
export function mutateReceipt (receipt: Receipt, rand: Rand): { receipt: Receipt, field: string } {
  const r = JSON.parse(JSON.stringify(receipt)) as Receipt
  const fields = ['head.key', 'head.treeHash', 'head.signature', 'head.manifest', 'head.length', 'head.fork',
    'seal.root', 'seal.txHash', 'seal.blockHash', 'seal.contract', 'seal.blockNumber', 'seal.timestamp', 'seal.leafCount', 'seal.chainId', 'proof']
  const field = fields[Math.floor(rand() * fields.length)]
  const [part, name] = field.split('.') as ['head' | 'seal' | 'proof', string | undefined]
  if (part === 'proof') {
    if (r.proof.length === 0 || rand() < 0.2) r.proof.push('0x' + HEX[1].repeat(64))
    else { const i = Math.floor(rand() * r.proof.length); r.proof[i] = flipHex(r.proof[i], rand) }
  } else {
    const obj = r[part] as unknown as Record<string, unknown>
    const v = obj[name!]
    obj[name!] = typeof v === 'number' ? v + 1 + Math.floor(rand() * 3) : flipHex(String(v), rand)
  }
  return { receipt: r, field }
}

/** The verdict of a (possibly tampered) receipt against the real chain (through the evidence path) and a replica's tree hash. */
export async function verdictOf (receipt: Receipt, chain: ChainReader, replica: { length: number, fork: number, treeHashAt: (l: number) => string | undefined }, trust: PinnedTrust): Promise<Verdict> {
  const key = receipt.head.key
  const version = Math.max(1, Math.min(receipt.head.length, replica.length))
  const view: ReplicaView = { length: replica.length, fork: replica.fork, treeHashAt: replica.treeHashAt }
  try {
    const { input } = await gatherVerifyInput({ key, version, receipts: [receipt] }, { replica: { head: () => replica, view: async () => view }, chain, trust })
    return verify(input)
  } catch {
    return { status: 'invalid' } as Verdict // the verifier refuses the input outright
  }
}

export interface TamperSubject {
  receipt: Receipt
  chain: ChainReader
  replica: { length: number, fork: number, treeHashAt: (l: number) => string | undefined }
  trust: PinnedTrust
  /** The writer's core key, to find its entries in the ledger. */
  key: string
}

/** A writer sealed by `service` at length 6, its receipt, a read-only chain client and its replica's tree. */
export async function tamperSubject (service: HypersealService): Promise<TamperSubject> {
  const writer = await sealedWriter(service, 6)
  const [{ receipt }] = await service.coreReceipts(writer.key)
  const chain = await createChainReader({ rpcUrl: service.rpcUrl! })
  const treeHash = (await writer.core.treeHash(6)).toString('hex')
  return { receipt, chain, replica: { length: 6, fork: 0, treeHashAt: (l) => (l === 6 ? treeHash : undefined) }, trust: pin(service.trust().root), key: writer.key }
}
