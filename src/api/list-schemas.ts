/**
 * JSON schemas of the paginated lists and of the bulk watch. Every list takes `limit` (1 to
 * 1,000, default 100) and `cursor` (the `next` of the previous page), and answers an object
 * with one array named after the route and `next` (a cursor, or null at the end).
 */
import { CURSOR_MAX_LENGTH, LABEL_MAX } from '../ledger'
import { BULK_WATCH_MAX } from './service-port'
import { batchRecord, coreView, headJson, incident, KEY_PATTERN, LENGTH_PATTERN, receipt, serviceInfo, time } from './schemas'

/** Shape only: the range (1 to 1,000) is checked by parsePage, the cursor by the ledger (BAD_CURSOR). */
const pageFields = {
  limit: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' },
  // Twice what the ledger accepts, so that a cursor too long still gets BAD_CURSOR, not a schema error.
  cursor: { type: 'string', maxLength: 2 * CURSOR_MAX_LENGTH }
} as const

export const pageQuery = { type: 'object', additionalProperties: false, properties: pageFields } as const
export const batchesQuery = { type: 'object', additionalProperties: false, properties: { ...pageFields, from: time, to: time } } as const
export const incidentsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...pageFields, from: time, to: time, key: { type: 'string', pattern: KEY_PATTERN } }
} as const

export const seqParams = {
  type: 'object',
  required: ['seq'],
  additionalProperties: false,
  properties: { seq: { type: 'string', pattern: LENGTH_PATTERN } }
} as const

const next = { type: ['string', 'null'] } as const

/** `{ <name>: [item…], next }`, plus any other fields. */
function listOf (name: string, item: object, extra: Record<string, object> = {}): object {
  return {
    type: 'object',
    required: [name, 'next', ...Object.keys(extra)],
    properties: { [name]: { type: 'array', items: item }, next, ...extra }
  }
}

const { leaves: _leaves, ...summaryFields } = batchRecord.properties
const batchSummary = { type: 'object', required: batchRecord.required.filter((f) => f !== 'leaves'), properties: summaryFields } as const

export const coresPage = listOf('cores', coreView, { service: serviceInfo })
export const batchesPage = listOf('batches', batchSummary)
export const leavesPage = listOf('leaves', headJson)
export const incidentsPage = listOf('incidents', incident)
export const receiptsPage = listOf('receipts', receipt)

const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const
const movedCore = {
  type: 'object',
  required: ['role', 'from', 'to', 'length', 'treeHash', 'prologue'],
  properties: {
    role: { type: 'string', enum: ['system', 'view'] }, view: { type: 'integer', minimum: 0 }, from: hex64, to: hex64,
    length: { type: 'integer', minimum: 0 }, treeHash: hex64,
    prologue: { type: ['object', 'null'], required: ['length', 'hash'], properties: { length: { type: 'integer', minimum: 0 }, hash: hex64 } }
  }
} as const
/** docs/formats.md "Migration": an Autobase's indexer change, with the new system core's signed head. */
export const migrationsList = {
  type: 'object',
  required: ['migrations'],
  properties: {
    migrations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'kind', 'detectedAt', 'system', 'info', 'moved'],
        properties: {
          key: hex64, kind: { type: 'string', enum: ['migration'] }, detectedAt: { type: 'string' }, system: headJson,
          info: {
            type: 'object',
            required: ['systemLength', 'indexers', 'views'],
            properties: {
              systemLength: { type: 'integer', minimum: 0 },
              indexers: { type: 'array', items: hex64 },
              views: { type: 'array', items: { type: 'object', required: ['key', 'length'], properties: { key: hex64, length: { type: 'integer', minimum: 0 } } } }
            }
          },
          moved: { type: 'array', items: movedCore }
        }
      }
    }
  }
} as const

const label = { type: 'string', minLength: 1, maxLength: 4 * LABEL_MAX } as const
const watchItem = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', maxLength: 64 },
    peers: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 300 } },
    label
  }
} as const

/** One core `{ key, peers?, label? }`, or many: `{ cores: [ … ] }` (at most BULK_WATCH_MAX). */
export const watchBody = {
  oneOf: [
    watchItem,
    {
      type: 'object',
      required: ['cores'],
      additionalProperties: false,
      properties: { cores: { type: 'array', minItems: 1, maxItems: BULK_WATCH_MAX, items: watchItem } }
    }
  ]
} as const

export const watchOne = { type: 'object', required: ['core'], properties: { core: coreView } } as const
export const watchMany = {
  type: 'object',
  required: ['created', 'merged', 'cores'],
  properties: { created: { type: 'integer' }, merged: { type: 'integer' }, cores: { type: 'array', items: coreView } }
} as const
