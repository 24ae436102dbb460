import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LedgerError } from '../ledger'
import { newReportKeyPair, publicKeyOf } from '../report'

export const REPORT_KEY_FILE = 'report-signing-key'

/**
 * The Ed25519 key that signs audit reports: made on first start and kept in the data directory
 * (hex of libsodium's 64-byte secret key, mode 0600). Written to a temp file and renamed, so a
 * crash never leaves half a key; a file that is not a key stops the start rather than being
 * replaced (reports signed with it would no longer verify against a new key).
 */
export function loadReportKey (dataDir: string): { secretKey: Buffer, publicKey: Buffer } {
  const file = join(dataDir, REPORT_KEY_FILE)
  let text: string | null = null
  try {
    text = readFileSync(file, 'utf8').trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text !== null) {
    const secretKey = Buffer.from(/^[0-9a-f]{128}$/.test(text) ? text : '', 'hex')
    // libsodium's secret key is seed ‖ public key: a file whose halves disagree is not a key.
    if (secretKey.length !== 64 || !newReportKeyPair(secretKey.subarray(0, 32)).publicKey.equals(publicKeyOf(secretKey))) {
      throw new LedgerError('DATA_DIR_UNUSABLE', `${file} does not hold a report signing key; restore it from a backup, or remove it to make a new key (reports signed with the old one then no longer match the published key).`)
    }
    chmodSync(file, 0o600)
    return { secretKey, publicKey: publicKeyOf(secretKey) }
  }
  const pair = newReportKeyPair()
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, pair.secretKey.toString('hex') + '\n', { mode: 0o600, flag: 'wx' })
  renameSync(tmp, file)
  return pair
}
