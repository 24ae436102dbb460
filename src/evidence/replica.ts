// The replica side of the evidence path lives with the other Hypercore I/O (src/heads).
export type { ReplicaSource } from '../heads'
