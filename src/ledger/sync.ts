/**
 * What "durable" means here (hypercore 11.37, hypercore-storage 3.3, rocksdb-native 3.18):
 *
 * - `bee.put` / `batch.flush()` resolve after `core.append`, which resolves after
 *   hypercore-storage has handed its write batch to RocksDB and RocksDB called back. That
 *   callback comes after the write-ahead log was written with write(2) — but rocksdb-native
 *   passes default WriteOptions (`sync = false`) and exposes no WAL sync, so at that point the
 *   entry is in the OS page cache: it survives a crash of this process (SIGKILL, OOM), not a
 *   power loss or kernel crash.
 * - To survive those too, every ledger write ends with a flush of the column family that holds
 *   all of the Corestore's data: RocksDB writes the memtable to a new SST file and fsyncs it and
 *   the MANIFEST before the promise resolves. Measured ~3 ms a write on this machine, fine for
 *   a handful of ledger writes per seal pass.
 *
 * Corestore does not document its storage object; `store.storage.db` is hypercore-storage's
 * column-family session (`storage.flush()` would flush RocksDB's unused default family).
 */
import type Corestore from 'corestore'
import { LedgerError } from './errors'

interface FlushableStorage {
  db?: { flush?: () => Promise<void> }
}

export type Sync = () => Promise<void>

export function storeSync (store: Corestore): Sync {
  const storage = (store as unknown as { storage?: FlushableStorage }).storage
  const db = storage?.db
  if (db === undefined || typeof db.flush !== 'function') {
    throw new LedgerError('DATA_DIR_UNUSABLE', 'This Corestore exposes no RocksDB flush, so ledger writes could not be made durable; use corestore 7 with hypercore-storage 3.')
  }
  return async () => { await db.flush?.() }
}
