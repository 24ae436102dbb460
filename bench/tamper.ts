/**
 * Tampering with figures: random single-field mutations of a real receipt, verified against the
 * real chain (anvil) and the writer's real tree; then mutations of the stored ledger entries,
 * written straight into the receipts log's Hyperbee, verified through the service.
 * Last, the service's signed audit report with one value changed anywhere in it.
 *   npm run bench -- tamper [receipts=1000] [ledger=100] [reports=1000]
 */
import type { Receipt } from '../src/seal'
import { runCleanups } from '../test/heads/helpers'
import { openService } from '../test/sealer/helpers'
import { checkSignedReport } from '../src/report'
import { flipHex, mutateReceipt, tamperSubject, verdictOf } from '../test/fuzz/tamper'

interface RawBee {
  put (k: string, v: unknown): Promise<void>
  createReadStream (o: object): AsyncIterable<{ key: string, value: { receipt: Receipt } }>
}

async function main (): Promise<void> {
  const receiptRuns = Number(process.argv[2] ?? 1000)
  const ledgerRuns = Number(process.argv[3] ?? 100)
  const reportRuns = Number(process.argv[4] ?? 1000)
  const { service } = await openService()
  const { receipt, chain, replica, trust, key } = await tamperSubject(service)
  const rand = Math.random
  let failed = false

  const byStatus = new Map<string, number>()
  const started = Date.now()
  for (let i = 0; i < receiptRuns; i++) {
    const { receipt: bad } = mutateReceipt(receipt, rand)
    const status = (await verdictOf(bad, chain, replica, trust)).status
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
  }
  const acceptedReceipts = byStatus.get('verified') ?? 0
  console.log(`receipt mutations ${receiptRuns} in ${((Date.now() - started) / 1000).toFixed(1)} s | accepted as verified ${acceptedReceipts} | by verdict ${JSON.stringify(Object.fromEntries(byStatus))}`)
  failed ||= acceptedReceipts > 0

  // The stored entry, mutated in place in the Hyperbee, then verified by the service itself.
  const bee = (service.log as unknown as { bee: { bee: RawBee } }).bee.bee
  let stored: { key: string, value: { receipt: Receipt } } | null = null
  for await (const e of bee.createReadStream({ gte: `receipt!${key}!`, lt: `receipt!${key}!~` })) stored = e
  const ledgerStatus = new Map<string, number>()
  for (let i = 0; i < ledgerRuns; i++) {
    const { receipt: bad } = mutateReceipt(stored!.value.receipt, rand)
    await bee.put(stored!.key, { ...stored!.value, receipt: bad })
    let status: string
    try {
      status = (await service.verify(key, 3)).status
    } catch (err) {
      status = `error ${(err as { code?: string }).code ?? 'unknown'}`
    }
    ledgerStatus.set(status, (ledgerStatus.get(status) ?? 0) + 1)
  }
  await bee.put(stored!.key, stored!.value)
  const acceptedLedger = ledgerStatus.get('verified') ?? 0
  console.log(`ledger entry mutations ${ledgerRuns} | accepted as verified ${acceptedLedger} | by verdict ${JSON.stringify(Object.fromEntries(ledgerStatus))}`)
  failed ||= acceptedLedger > 0 || [...ledgerStatus.keys()].some((s) => s.startsWith('error'))
  // The signed report: one leaf value (string, number or boolean) anywhere in the document changed.
  const signed = await service.auditReport({ from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000) })
  const pinned = service.trust().root.reportKeys.map((k) => k.publicKey)
  if (!checkSignedReport(signed, pinned).ok) throw new Error('the untouched report does not verify')
  let acceptedReports = 0
  for (let i = 0; i < reportRuns; i++) {
    const doc = JSON.parse(JSON.stringify(signed)) as unknown
    mutateLeaf(doc, rand)
    if (checkSignedReport(doc, pinned).ok) acceptedReports++
  }
  console.log(`signed report mutations ${reportRuns} | accepted ${acceptedReports}`)
  failed ||= acceptedReports > 0
  console.log(failed ? 'FAIL' : 'PASS  no tampered receipt, ledger entry or signed report was accepted')
  chain.close()
  await runCleanups()
  process.exitCode = failed ? 1 : 0
}

/** Changes one leaf value of a JSON document in place (a hex digit, a number, a boolean or a string). */
function mutateLeaf (doc: unknown, rand: () => number): void {
  const leaves: Array<{ parent: Record<string, unknown> | unknown[], key: string | number }> = []
  const walk = (node: unknown): void => {
    const entries: Array<[string | number, unknown]> = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node as object)
    for (const [key, v] of entries) {
      if (v !== null && typeof v === 'object') walk(v)
      else leaves.push({ parent: node as Record<string, unknown>, key })
    }
  }
  walk(doc)
  const { parent, key } = leaves[Math.floor(rand() * leaves.length)]
  const box = parent as Record<string | number, unknown>
  const v = box[key]
  if (typeof v === 'number') box[key] = v + 1
  else if (typeof v === 'boolean') box[key] = !v
  else if (typeof v === 'string' && /^(0x)?[0-9a-fA-F]+$/.test(v) && v.length > 2) box[key] = flipHex(v, rand)
  else box[key] = `${String(v)}x`
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
