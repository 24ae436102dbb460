import type { ReplicaView } from '../verify'

/**
 * A replica to verify against, read in two steps: its head first (cheap; it decides which seals
 * matter), then its tree at the lengths the plan names. A trusted local replica answers with its
 * own tree hashes; an untrusted remote one with upgrade proofs that src/verify checks.
 */
export interface ReplicaSource {
  head (): { length: number, fork: number }
  view (lengths: number[]): Promise<ReplicaView>
}
