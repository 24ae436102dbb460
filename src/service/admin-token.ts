import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ADMIN_TOKEN_FILE } from '../config'

/**
 * The admin token: HYPERSEAL_ADMIN_TOKEN when set, else the one kept in the data directory,
 * else a new random one written there (mode 0600) so the CLI on this machine can read it.
 */
export function resolveAdminToken (dataDir: string, configured: string | undefined): { token: string, file: string | null } {
  if (configured !== undefined) return { token: configured, file: null }
  const file = join(dataDir, ADMIN_TOKEN_FILE)
  try {
    const token = readFileSync(file, 'utf8').trim()
    if (token.length >= 16) {
      chmodSync(file, 0o600)
      return { token, file }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const token = randomBytes(32).toString('base64url')
  writeFileSync(file, token + '\n', { mode: 0o600 })
  chmodSync(file, 0o600)
  return { token, file }
}
