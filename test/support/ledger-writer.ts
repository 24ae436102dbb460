/**
 * The writer of the crash-durability test. Usage: ledger-writer.ts <dir> <count>
 * Opens the data directory, then for i = 0..count-1 appends a sealed batch to the receipts
 * log and a watch entry to the journal, and prints "acked <i> <root> <watchKey>" only after
 * both writes resolved. The test SIGKILLs it at a random moment.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { Journal, openDataDir, ReceiptsLog } from '../../src/ledger'
import { HeadSource, sealedBatch } from '../ledger/helpers'

export function watchKeyFor (i: number): string {
  return createHash('sha256').update(`watch-${i}`).digest('hex')
}

async function main (): Promise<void> {
  const [dir, count] = process.argv.slice(2)
  const dataDir = await openDataDir(dir)
  const log = await ReceiptsLog.open(dataDir.store)
  const journal = await Journal.open(dataDir.store, join(dataDir.dir, 'journal'))
  const source = await HeadSource.create(dataDir.store, 'crash-test-core')
  process.stdout.write('ready\n')
  const start = (await log.latestBatch())?.seq ?? -1
  for (let i = start + 1; i < start + 1 + Number(count); i++) {
    const input = sealedBatch([await source.at(source.core.length + 1)], 1_700_000_000 + i)
    await log.appendBatch(input)
    await journal.addWatch(watchKeyFor(i), [`127.0.0.1:${10000 + i}`])
    process.stdout.write(`acked ${i} ${input.seal.root} ${watchKeyFor(i)}\n`)
  }
  await dataDir.close()
}

if (require.main === module) void main()
