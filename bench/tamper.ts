/**
 * Tampering with figures: random single-field mutations of a real receipt, verified against the
 * real chain (anvil) and the writer's real tree; then mutations of the stored ledger entries,
 * written straight into the receipts log's Hyperbee, verified through the service.
 *   npm run bench -- tamper [receipts=1000] [ledger=100]
 */
import { createChainClient } from '../src/chain'
import type { Receipt } from '../src/seal'
import { runCleanups } from '../test/heads/helpers'
import { openService, sealedWriter } from '../test/sealer/helpers'
import { mutateReceipt, verdictOf } from '../test/fuzz/tamper'

interface RawBee {
  put (k: string, v: unknown): Promise<void>
  createReadStream (o: object): AsyncIterable<{ key: string, value: { receipt: Receipt } }>
}

async function main (): Promise<void> {
  const receiptRuns = Number(process.argv[2] ?? 1000)
  const ledgerRuns = Number(process.argv[3] ?? 100)
  const { service } = await openService()
  const writer = await sealedWriter(service, 6)
  const [{ receipt }] = await service.coreReceipts(writer.key)
  const chain = await createChainClient({ rpcUrl: service.rpcUrl!, contractAddress: service.info().contract })
  const treeHash = (await writer.core.treeHash(6)).toString('hex')
  const replica = { length: 6, fork: 0, treeHashAt: (l: number) => (l === 6 ? treeHash : undefined) }
  const { contract, chainId } = service.info()
  const rand = Math.random
  let failed = false

  const byStatus = new Map<string, number>()
  const started = Date.now()
  for (let i = 0; i < receiptRuns; i++) {
    const { receipt: bad } = mutateReceipt(receipt, rand)
    const status = (await verdictOf(bad, chain, replica, contract, chainId)).status
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
  }
  const acceptedReceipts = byStatus.get('verified') ?? 0
  console.log(`receipt mutations ${receiptRuns} in ${((Date.now() - started) / 1000).toFixed(1)} s | accepted as verified ${acceptedReceipts} | by verdict ${JSON.stringify(Object.fromEntries(byStatus))}`)
  failed ||= acceptedReceipts > 0

  // The stored entry, mutated in place in the Hyperbee, then verified by the service itself.
  const bee = (service.log as unknown as { bee: { bee: RawBee } }).bee.bee
  let stored: { key: string, value: { receipt: Receipt } } | null = null
  for await (const e of bee.createReadStream({ gte: `receipt!${writer.key}!`, lt: `receipt!${writer.key}!~` })) stored = e
  const ledgerStatus = new Map<string, number>()
  for (let i = 0; i < ledgerRuns; i++) {
    const { receipt: bad } = mutateReceipt(stored!.value.receipt, rand)
    await bee.put(stored!.key, { ...stored!.value, receipt: bad })
    let status: string
    try {
      status = (await service.verify(writer.key, 3)).status
    } catch (err) {
      status = `error ${(err as { code?: string }).code ?? 'unknown'}`
    }
    ledgerStatus.set(status, (ledgerStatus.get(status) ?? 0) + 1)
  }
  await bee.put(stored!.key, stored!.value)
  const acceptedLedger = ledgerStatus.get('verified') ?? 0
  console.log(`ledger entry mutations ${ledgerRuns} | accepted as verified ${acceptedLedger} | by verdict ${JSON.stringify(Object.fromEntries(ledgerStatus))}`)
  failed ||= acceptedLedger > 0 || [...ledgerStatus.keys()].some((s) => s.startsWith('error'))
  console.log(failed ? 'FAIL' : 'PASS  no tampered receipt or ledger entry was accepted')
  chain.close()
  await runCleanups()
  process.exitCode = failed ? 1 : 0
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
