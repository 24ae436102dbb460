/**
 * OpenZeppelin's merkle-tree, loaded on first use. Building a batch and the canonical proof check
 * need it; a bulk re-check (the audit report's worker threads, src/report recheck-worker.ts)
 * folds proofs from the fast leaf hash and never does: loading it there cost each worker ~13 MB
 * and ~0.1 s of CPU at start. The library, its API and its answers are the same either way.
 */
type Standard = typeof import('@openzeppelin/merkle-tree')
type Core = typeof import('@openzeppelin/merkle-tree/dist/core')

let standard: Standard | undefined
let core: Core | undefined

export function merkleTree (): Standard {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
  standard ??= require('@openzeppelin/merkle-tree') as Standard
  return standard
}

export function merkleCore (): Core {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
  core ??= require('@openzeppelin/merkle-tree/dist/core') as Core
  return core
}
