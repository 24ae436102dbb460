import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ADMIN_TOKEN_FILE, AUDITOR_TOKEN_FILE, ConfigError } from '../config'

/**
 * A bearer token: the configured one when set, else the one kept in the data directory under
 * `file`, else a new random one written there (mode 0600) so the CLI and people on this machine
 * can read it.
 */
export function resolveToken (dataDir: string, file: string, configured: string | undefined): { token: string, file: string | null } {
  if (configured !== undefined) return { token: configured, file: null }
  const path = join(dataDir, file)
  try {
    const token = readFileSync(path, 'utf8').trim()
    if (token.length >= 16) {
      chmodSync(path, 0o600)
      return { token, file: path }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const token = randomBytes(32).toString('base64url')
  writeFileSync(path, token + '\n', { mode: 0o600 })
  chmodSync(path, 0o600)
  return { token, file: path }
}

/** The admin token: HYPERSEAL_ADMIN_TOKEN, else `<data dir>/admin-token` (generated when missing). */
export function resolveAdminToken (dataDir: string, configured: string | undefined): { token: string, file: string | null } {
  return resolveToken(dataDir, ADMIN_TOKEN_FILE, configured)
}

/**
 * The auditor token: HYPERSEAL_AUDITOR_TOKEN, else `<data dir>/auditor-token` (generated when
 * missing). It must differ from the admin token, or every auditor would be an admin.
 */
export function resolveAuditorToken (dataDir: string, configured: string | undefined, adminToken: string): { token: string, file: string | null } {
  const resolved = resolveToken(dataDir, AUDITOR_TOKEN_FILE, configured)
  if (resolved.token === adminToken) {
    throw new ConfigError('INVALID_VALUE', `The auditor token (${resolved.file ?? 'HYPERSEAL_AUDITOR_TOKEN'}) equals the admin token; give each role its own (values not shown).`)
  }
  return resolved
}
