/**
 * A second process for the data-directory lock tests. Usage: ledger-open.ts <dir> [hold]
 * Prints one JSON line: {"ok":true,"pid":…} once the directory is open, or
 * {"ok":false,"code":…,"message":…}. With `hold` it keeps the directory open until killed
 * or until its stdin closes.
 */
import { openDataDir, LedgerError } from '../../src/ledger'

async function main (): Promise<void> {
  const [dir, mode] = process.argv.slice(2)
  try {
    const dataDir = await openDataDir(dir)
    process.stdout.write(JSON.stringify({ ok: true, pid: process.pid }) + '\n')
    if (mode === 'hold') {
      process.stdin.resume()
      await new Promise((resolve) => process.stdin.once('end', resolve))
    }
    await dataDir.close()
  } catch (err) {
    const code = err instanceof LedgerError ? err.code : 'UNEXPECTED'
    process.stdout.write(JSON.stringify({ ok: false, code, message: (err as Error).message }) + '\n')
  }
}

void main()
