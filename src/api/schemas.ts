/**
 * JSON schemas of the API: inputs (params, query, bodies) are checked by Ajv before a handler
 * runs; outputs are serialised through the response schemas, which also drop any field a
 * schema does not name. The shapes are DESIGN.md's formats and src/api/service-port.ts.
 */

/** A core key: 64 hex or 52 z-base-32 characters (parseKey also checks z-base-32 is canonical). */
export const KEY_PATTERN = '^([0-9a-fA-F]{64}|[ybndrfg8ejkmcpqxot1uwisza345h769]{52})$'
/** A length in the URL: a plain decimal without sign, exponent or leading zero (range checked after). */
export const LENGTH_PATTERN = '^(0|[1-9][0-9]{0,15})$'

const key = { type: 'string', pattern: KEY_PATTERN } as const
const hex = { type: 'string' } as const
const uint = { type: 'integer', minimum: 0 } as const
const iso = { type: 'string' } as const

export const errorAnswer = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } }
  }
} as const

/** The error answers every route may give (the shape of errors.ts). */
export const errorResponses = { '4xx': errorAnswer, '5xx': errorAnswer } as const

export const keyParams = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key }
} as const

export const receiptParams = {
  type: 'object',
  required: ['key', 'length'],
  additionalProperties: false,
  properties: { key, length: { type: 'string', pattern: LENGTH_PATTERN } }
} as const

/** `from` / `to`: ISO 8601 or epoch seconds (parsed in query.ts). */
export const time = { type: 'string', minLength: 1, maxLength: 40 } as const
/** The audit report's query; `key` may repeat or hold a comma-separated list (checked by the route). */
export const reportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: time,
    to: time,
    key: { anyOf: [{ type: 'string', maxLength: 100_000 }, { type: 'array', maxItems: 10_000, items: { type: 'string', maxLength: 100_000 } }] },
    format: { type: 'string', maxLength: 10 }
  }
} as const
export const reportIdParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' } } } as const
export const reportFormatQuery = { type: 'object', additionalProperties: false, properties: { format: { type: 'string', maxLength: 10 } } } as const
export const emptyQuery = { type: 'object', additionalProperties: false, properties: {} } as const

const treeNode = { type: 'object', required: ['index', 'size', 'hash'], properties: { index: uint, size: uint, hash: hex } } as const

export const headJson = {
  type: 'object',
  required: ['key', 'length', 'fork', 'treeHash', 'signature', 'manifest'],
  // roots: only on heads whose quorum signature carries a patch (docs/formats.md)
  properties: { key: hex, length: uint, fork: uint, treeHash: hex, signature: hex, manifest: hex, roots: { type: 'array', items: treeNode } }
} as const

const sealInfo = {
  type: 'object',
  required: ['chainId', 'contract', 'root', 'leafCount', 'txHash', 'blockNumber', 'blockHash', 'timestamp'],
  properties: { chainId: uint, contract: hex, root: hex, leafCount: uint, txHash: hex, blockNumber: uint, blockHash: hex, timestamp: uint }
} as const

// v2: the later clocks of the batch root (docs/formats.md "Receipt (v2)").
const anchor = {
  type: 'object',
  required: ['type', 'name'],
  properties: { type: { type: 'string', enum: ['evm', 'rfc3161'] }, name: { type: 'string' }, seal: sealInfo, proof: { type: 'array', items: hex }, token: { type: 'string' }, time: { type: 'string' } }
} as const

export const receipt = {
  type: 'object',
  required: ['v', 'head', 'seal', 'proof'],
  properties: { v: { type: 'integer' }, head: headJson, seal: sealInfo, proof: { type: 'array', items: hex }, anchors: { type: 'array', items: anchor } }
} as const

export const incident = {
  type: 'object',
  required: ['key', 'kind', 'detectedAt', 'sealed', 'observed', 'evidence'],
  properties: {
    key: hex,
    kind: { type: 'string', enum: ['rewind', 'fork'] },
    detectedAt: iso,
    sealed: headJson,
    observed: headJson,
    // Where the two histories part (seal/agreement.ts), and where the sealed head was sealed.
    agreed: {
      type: 'object',
      required: ['length', 'roots', 'sealedNodes', 'observedNodes'],
      properties: { length: uint, roots: { type: 'array', items: treeNode }, sealedNodes: { type: 'array', items: treeNode }, observedNodes: { type: 'array', items: treeNode }, sealedHead: headJson }
    },
    sealedIn: { type: 'object', required: ['root', 'txHash', 'blockNumber'], properties: { root: hex, txHash: hex, blockNumber: uint } },
    // Free-form JSON evidence (Hypercore's conflict proof, tree hashes compared, source).
    evidence: { type: 'object', additionalProperties: true }
  }
} as const

export const batchRecord = {
  type: 'object',
  required: ['v', 'seq', 'root', 'leafCount', 'leaves', 'seal', 'sealedAt'],
  properties: {
    v: { type: 'integer' },
    seq: uint,
    root: hex,
    leafCount: uint,
    leaves: { type: 'array', items: headJson },
    seal: sealInfo,
    sealedAt: iso,
    contradictions: {
      type: 'array',
      items: { type: 'object', required: ['key', 'length', 'kind'], properties: { key: hex, length: uint, kind: { type: 'string' } } }
    },
    resealOf: { type: 'array', items: hex }
  }
} as const

export const coreView = {
  type: 'object',
  // `peers` only for auditors and admins (role-views.ts).
  required: ['key', 'length', 'fork', 'addedAt', 'lastSeal', 'stale'],
  properties: {
    key: hex,
    peers: { type: 'array', items: { type: 'string' } },
    length: uint,
    fork: uint,
    addedAt: iso,
    label: { type: ['string', 'null'] },
    lastSeal: {
      type: ['object', 'null'],
      required: ['length', 'fork', 'root', 'sealedAt'],
      properties: { length: uint, fork: uint, root: hex, sealedAt: iso }
    },
    stale: {
      type: ['object', 'null'],
      required: ['since', 'lastHead', 'reason'],
      properties: {
        since: iso,
        lastHead: { type: ['object', 'null'], required: ['length', 'fork'], properties: { length: uint, fork: uint } },
        reason: { type: 'string' }
      }
    },
    kind: { type: ['string', 'null'], enum: ['core', 'hyperbee', 'hyperdrive', 'autobase', null] },
    parts: { type: 'array', items: { type: 'object', required: ['role', 'key'], properties: { role: { type: 'string' }, key: hex } } },
    partOf: { type: 'object', required: ['key', 'role'], properties: { key: hex, role: { type: 'string' } } }
  }
} as const

export const serviceInfo = {
  type: 'object',
  required: ['version', 'chainId', 'contract', 'sealer', 'receiptsLog', 'schedule', 'confirmations', 'embeddedChain', 'rpc', 'reportKey'],
  properties: {
    version: { type: 'string' },
    chainId: uint,
    contract: hex,
    sealer: { type: ['string', 'null'] },
    receiptsLog: hex,
    schedule: { type: 'string' },
    confirmations: { anyOf: [uint, { type: 'string', enum: ['finalized'] }] },
    embeddedChain: { type: 'boolean' },
    rpc: { type: 'string' },
    reportKey: hex
  }
} as const

export const passResult = {
  type: 'object',
  required: ['batch', 'resealed', 'skipped', 'incidents', 'startedAt', 'finishedAt'],
  properties: {
    batch: {
      type: ['object', 'null'],
      required: ['root', 'leafCount', 'txHash', 'blockNumber', 'sealedAt', 'final', 'heads'],
      properties: {
        root: hex,
        leafCount: uint,
        txHash: hex,
        blockNumber: uint,
        sealedAt: iso,
        final: { type: 'boolean' },
        heads: { type: 'array', items: { type: 'object', required: ['key', 'length', 'fork'], properties: { key: hex, length: uint, fork: uint } } }
      }
    },
    // Acknowledged seals the chain had forgotten, sealed again (old roots, and the new batch's root).
    resealed: { type: 'array', items: { type: 'object', required: ['roots', 'by'], properties: { roots: { type: 'array', items: hex }, by: hex } } },
    skipped: { type: 'array', items: { type: 'object', required: ['key', 'reason'], properties: { key: hex, reason: { type: 'string' } } } },
    incidents: { type: 'array', items: incident },
    startedAt: iso,
    finishedAt: iso
  }
} as const

const check = { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' }, detail: { type: 'string' } } } as const
const readinessFields = { ready: { type: 'boolean' }, checks: { type: 'object', additionalProperties: check } } as const
export const readiness = { type: 'object', required: ['ready', 'checks'], properties: readinessFields } as const
/** 503 from /ready: the error shape, plus the checks when the service could run them. */
export const notReady = { type: 'object', required: ['error'], properties: { ...readinessFields, error: errorAnswer.properties.error } } as const

const VERDICT_REQUIRED = ['key', 'version', 'status', 'sealedAt', 'final', 'receipt', 'replica', 'incidents', 'reason', 'chain', 'trust', 'checks'] as const
const verdictProperties = {
  key: hex,
  version: uint,
  status: { type: 'string', enum: ['verified', 'pending', 'behind', 'rewind', 'fork', 'invalid'] },
  sealedAt: { type: ['string', 'null'] },
  final: { type: 'boolean' },
  receipt: { anyOf: [receipt, { type: 'null' }] },
  replica: {
    type: 'object',
    required: ['length', 'fork', 'treeHash'],
    properties: { length: uint, fork: uint, treeHash: { type: ['string', 'null'] } }
  },
  incidents: { type: 'array', items: incident },
  reason: { type: 'string' },
  chain: {
    anyOf: [{ type: 'null' }, {
      type: 'object',
      required: ['chainId', 'contract', 'embedded', 'confirmations', 'required'],
      properties: { chainId: uint, contract: hex, embedded: { type: 'boolean' }, confirmations: uint, required: { anyOf: [uint, { type: 'string', enum: ['finalized'] }] } }
    }]
  },
  trust: hex,
  checks: {
    type: 'array',
    items: { type: 'object', required: ['check', 'ok', 'detail'], properties: { check: { type: 'string' }, ok: { type: ['boolean', 'null'] }, detail: { type: 'string' } } }
  },
  // Every clock of the deciding seal (primary chain, secondary chains, RFC 3161 tokens).
  clocks: {
    type: 'array',
    items: {
      type: 'object',
      required: ['kind', 'name', 'time', 'final', 'ok', 'detail'],
      properties: { kind: { type: 'string' }, name: { type: 'string' }, chainId: uint, time: { type: ['string', 'null'] }, final: { type: 'boolean' }, ok: { type: ['boolean', 'null'] }, detail: { type: 'string' } }
    }
  }
} as const

/**
 * DESIGN.md's verdict; the receipt and incidents keep their own schemas. A structure's verdict
 * (a Hyperbee, a Hyperdrive) adds `kind` and `parts`: one verdict per core, with its role.
 */
export const verdict = {
  type: 'object',
  required: VERDICT_REQUIRED,
  properties: {
    ...verdictProperties,
    kind: { type: 'string', enum: ['hyperbee', 'hyperdrive', 'autobase'] },
    parts: { type: 'array', items: { type: 'object', required: [...VERDICT_REQUIRED, 'role'], properties: { ...verdictProperties, role: { type: 'string' } } } }
  }
} as const

export const verifyParams = {
  type: 'object',
  required: ['key', 'version'],
  additionalProperties: false,
  properties: { key, version: { type: 'string', pattern: LENGTH_PATTERN } }
} as const
