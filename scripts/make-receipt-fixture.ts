/**
 * Writes test/fixtures/receipt-v1.json and test/fixtures/batch-v1.json from a real run:
 * three real Hypercores in a temp Corestore (one truncated, so fork 1), their heads captured
 * by snapshot, one batch, HyperSeal deployed and the root sealed on Hardhat's in-process
 * network. The receipt is the first core's, with the real transaction and block data.
 *
 *   npx hardhat run scripts/make-receipt-fixture.ts
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import hre from 'hardhat'
import { batchToJson, buildBatch, checkReceipt } from '../src/seal'
import { sealOnHardhat } from '../test/support/seal-hardhat'
import { appendBlocks, captureHead, openTempStore } from '../test/support/seal-real-core'

const FIXTURES = join(__dirname, '..', 'test', 'fixtures')

async function main (): Promise<void> {
  const store = await openTempStore()
  try {
    const writer = await store.core('fixture-writer')
    await appendBlocks(writer, 42, 'fixture')
    const logbook = await store.core('fixture-logbook')
    await appendBlocks(logbook, 10, 'log')
    await logbook.truncate(7)
    await appendBlocks(logbook, 3, 'log-after-truncate')
    const tiny = await store.core('fixture-tiny')
    await appendBlocks(tiny, 1, 'tiny')

    const heads = [await captureHead(writer), await captureHead(logbook), await captureHead(tiny)]
    const batch = buildBatch(heads)
    const { seal } = await sealOnHardhat(hre, batch)
    const receipt = batch.receiptFor(0, seal)
    const check = checkReceipt(receipt)
    if (!check.ok) throw new Error(`the fresh receipt does not check: ${check.code} ${check.reason}`)

    writeFileSync(join(FIXTURES, 'receipt-v1.json'), JSON.stringify(receipt, null, 2) + '\n')
    writeFileSync(join(FIXTURES, 'batch-v1.json'), JSON.stringify(batchToJson(batch), null, 2) + '\n')
    console.log(`sealed root ${seal.root} (${seal.leafCount} heads) in block ${seal.blockNumber}; wrote ${FIXTURES}`)
  } finally {
    await store.close()
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
