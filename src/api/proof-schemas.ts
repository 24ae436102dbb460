/** Schemas of the record proof routes (docs/formats.md "Record proof"). */
import { KEY_PATTERN, LENGTH_PATTERN, receipt } from './schemas'

const uint = { type: 'integer', minimum: 0 } as const
const hex = { type: 'string' } as const

export const proofIndexParams = {
  type: 'object',
  required: ['key', 'index'],
  additionalProperties: false,
  properties: { key: { type: 'string', pattern: KEY_PATTERN }, index: { type: 'string', pattern: LENGTH_PATTERN } }
} as const

export const proofKeyParams = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: { type: 'string', pattern: KEY_PATTERN } }
} as const

/** `entry` (a Hyperbee key, UTF-8) or `file` (a Hyperdrive path), and the version (default: the latest). */
export const proofQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    entry: { type: 'string', minLength: 1, maxLength: 4096 },
    file: { type: 'string', minLength: 1, maxLength: 4096 },
    version: { type: 'string', pattern: LENGTH_PATTERN }
  }
} as const

export const recordProof = {
  type: 'object',
  required: ['v', 'kind', 'type', 'key', 'parts'],
  properties: {
    v: { type: 'integer' },
    kind: { type: 'string' },
    type: { type: 'string' },
    key: hex,
    index: uint,
    version: uint,
    entry: hex,
    value: { type: ['string', 'null'] },
    path: { type: 'string' },
    parts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role', 'receipt', 'blocks', 'nodes'],
        properties: {
          role: { type: 'string' },
          receipt,
          blocks: { type: 'array', items: { type: 'object', required: ['index', 'data'], properties: { index: uint, data: hex } } },
          nodes: { type: 'array', items: { type: 'object', required: ['size', 'hash'], properties: { size: uint, hash: hex } } }
        }
      }
    }
  }
} as const
