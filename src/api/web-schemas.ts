/**
 * JSON schemas of the routes the browser pages use beside the lists: the replica's upgrade
 * proofs, the sealer account and the caller's role.
 */

const hex = { type: 'string' } as const
const uint = { type: 'integer', minimum: 0 } as const
const wei = { type: ['string', 'null'], pattern: '^[0-9]+$' } as const

/** `lengths`: comma-separated decimal lengths (shape only here; parsed and bounded by the route). */
export const proofsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { lengths: { type: 'string', maxLength: 200, pattern: '^[0-9]+(,[0-9]+)*$' } }
} as const

const node = { type: 'object', required: ['index', 'size', 'hash'], properties: { index: uint, size: uint, hash: hex } } as const

const upgradeProof = {
  type: 'object',
  required: ['fork', 'upgrade'],
  properties: {
    fork: uint,
    upgrade: {
      type: ['object', 'null'],
      required: ['start', 'length', 'nodes', 'additionalNodes', 'signature'],
      properties: { start: uint, length: uint, nodes: { type: 'array', items: node }, additionalNodes: { type: 'array', items: node }, signature: hex }
    }
  }
} as const

export const replicaProofs = {
  type: 'object',
  required: ['key', 'head', 'proofs', 'sealedRoots'],
  properties: {
    key: hex,
    head: { type: 'object', required: ['length', 'fork', 'treeHash'], properties: { length: uint, fork: uint, treeHash: { type: ['string', 'null'] } } },
    proofs: { type: 'object', additionalProperties: upgradeProof },
    sealedRoots: {
      type: 'array',
      items: { type: 'object', required: ['length', 'treeHash', 'roots'], properties: { length: uint, treeHash: hex, roots: { type: 'array', items: node } } }
    }
  }
} as const

export const sealerAccount = {
  type: 'object',
  required: ['address', 'balanceWei', 'recent', 'spendPerDayWei', 'daysLeft'],
  properties: {
    address: { type: ['string', 'null'] },
    balanceWei: wei,
    recent: {
      type: 'array',
      items: {
        type: 'object',
        required: ['seq', 'txHash', 'blockNumber', 'sealedAt', 'leafCount', 'gasUsed', 'feeWei'],
        properties: { seq: uint, txHash: hex, blockNumber: uint, sealedAt: { type: 'string' }, leafCount: uint, gasUsed: wei, feeWei: wei }
      }
    },
    spendPerDayWei: wei,
    daysLeft: { type: ['number', 'null'] }
  }
} as const

export const roleAnswer = {
  type: 'object',
  required: ['role'],
  properties: { role: { type: 'string', enum: ['public', 'auditor', 'admin'] } }
} as const
