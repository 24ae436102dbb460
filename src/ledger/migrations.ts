/**
 * Autobase migrations in the receipts log (keys.ts `migration!<key>!<from>!<to>`): one record
 * per move of an Autobase's system core from one key to another, whenever and however often it
 * is seen (after a restart too); parsed and checked like every record, on write and on read.
 */
import type { Migration, MovedCore } from '../seal'
import * as K from './keys'
import type { LedgerBee } from './ledger-bee'
import { array, asInput, asStored, head, Invalid, iso, jsonValue, oneOf, record, text, uint } from './validate'

const HEX32 = /^[0-9a-f]{64}$/

function hex32 (value: unknown, where: string): string {
  return text(value, where, HEX32)
}

function moved (value: unknown, where: string): MovedCore {
  const json = record(value, where, ['role', 'from', 'to', 'length', 'treeHash', 'prologue'], ['view'])
  const out: MovedCore = {
    role: oneOf(json.role, `${where}.role`, ['system', 'view'] as const),
    from: hex32(json.from, `${where}.from`),
    to: hex32(json.to, `${where}.to`),
    length: uint(json.length, `${where}.length`),
    treeHash: hex32(json.treeHash, `${where}.treeHash`),
    prologue: null
  }
  if (json.prologue !== null) {
    const p = record(json.prologue, `${where}.prologue`, ['length', 'hash'])
    out.prologue = { length: uint(p.length, `${where}.prologue.length`), hash: hex32(p.hash, `${where}.prologue.hash`) }
  }
  if (json.view !== undefined) out.view = uint(json.view, `${where}.view`)
  if ((out.role === 'view') !== (out.view !== undefined)) throw new Invalid(`${where}: a view names its position, the system core none`)
  return out
}

export function parseMigration (value: unknown): Migration {
  const json = record(value, 'the migration', ['key', 'kind', 'detectedAt', 'system', 'info', 'moved'])
  const info = record(json.info, 'info', ['systemLength', 'indexers', 'views'])
  const out: Migration = {
    key: hex32(json.key, 'key'),
    kind: oneOf(json.kind, 'kind', ['migration'] as const),
    detectedAt: iso(json.detectedAt, 'detectedAt'),
    system: head(json.system, 'system'),
    info: {
      systemLength: uint(info.systemLength, 'info.systemLength'),
      indexers: array(info.indexers, 'info.indexers', hex32),
      views: array(info.views, 'info.views', (v, where) => {
        const view = record(v, where, ['key', 'length'])
        return { key: hex32(view.key, `${where}.key`), length: uint(view.length, `${where}.length`) }
      })
    },
    moved: array(json.moved, 'moved', moved)
  }
  const system = out.moved.filter((m) => m.role === 'system')
  if (system.length !== 1 || system[0].to !== out.system.key) throw new Invalid('moved must hold the system core once, moved to the signed head\'s key')
  if (out.info.systemLength > out.system.length) throw new Invalid('info.systemLength is past the signed head')
  return out
}

/** Records `input` once per (Autobase, old system key, new system key); the same again returns the one stored. */
export async function appendMigration (bee: LedgerBee, input: Migration): Promise<{ created: boolean, migration: Migration }> {
  const migration = asInput('migration', jsonValue('migration', input), parseMigration)
  const from = migration.moved.find((m) => m.role === 'system')!.from
  const id = K.migrationKey(migration.key, from, migration.system.key)
  return await bee.write(async (tx) => {
    const known = await tx.get(id)
    if (known !== undefined) return { created: false, migration: asStored(id, known, parseMigration) }
    await tx.putOnce(id, migration)
    return { created: true, migration }
  })
}

/** An Autobase's recorded migrations, oldest first (by the new system core's signed length). */
export async function listMigrations (bee: LedgerBee, key: string): Promise<Migration[]> {
  const entries = await bee.range(K.prefixRange(K.migrationPrefix(K.keyHex(key))))
  return entries.map((e) => asStored(e.key, e.value, parseMigration)).sort((a, b) => a.system.length - b.system.length || a.detectedAt.localeCompare(b.detectedAt))
}
