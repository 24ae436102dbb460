/**
 * A receipts log entry read back and checked against its own key: a record whose content does
 * not match the key it is stored under was written past the ledger's API (CORRUPT_ENTRY).
 */
import type { Incident } from '../seal'
import { LedgerError } from './errors'
import * as K from './keys'
import type { Entry } from './ledger-bee'
import { parseBatchRecord, parseIncident, parseReceiptEntry, type BatchRecord, type ReceiptEntry } from './log-records'
import { asStored } from './validate'

export function batchOf (entry: Entry): BatchRecord {
  const batch = asStored(entry.key, entry.value, parseBatchRecord)
  if (entry.key !== K.batchKey(batch.seq)) throw new LedgerError('CORRUPT_ENTRY', `The ledger entry ${entry.key} holds batch ${batch.seq}.`)
  return batch
}

export function receiptOf (entry: Entry): ReceiptEntry {
  const receipt = asStored(entry.key, entry.value, parseReceiptEntry)
  const { key, length, fork } = receipt.receipt.head
  if (entry.key !== K.receiptKey(key, length, receipt.batch, fork)) {
    throw new LedgerError('CORRUPT_ENTRY', `The ledger entry ${entry.key} holds the receipt of ${key} at length ${length}.`)
  }
  return receipt
}

export function incidentOf (e: Entry, byKey: boolean): Incident {
  const incident = asStored(e.key, e.value, parseIncident)
  const n = Number(e.key.slice(e.key.lastIndexOf(K.SEP) + 1))
  const expected = !Number.isSafeInteger(n) || n < 0
    ? null
    : byKey ? K.incidentKey(incident.key, incident.detectedAt, n) : K.incidentTimeKey(incident.detectedAt, incident.key, n)
  if (e.key !== expected) throw new LedgerError('CORRUPT_ENTRY', `The ledger entry ${e.key} holds an incident of ${incident.key} detected at ${incident.detectedAt}.`)
  return incident
}
