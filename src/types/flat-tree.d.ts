// flat-tree 1.x: index arithmetic of Hypercore's flat (in-order) Merkle tree. No shipped types.
// Leaves sit at even indexes 2·i; a node at depth d spans leaves leftSpan/2 .. rightSpan/2.
declare module 'flat-tree' {
  /** The roots of a tree of `index / 2` leaves (`index` must be even), left to right. */
  export function fullRoots (index: number, result?: number[]): number[]
  export function depth (index: number): number
  export function parent (index: number, depth?: number): number
  export function sibling (index: number, depth?: number): number
  export function leftChild (index: number, depth?: number): number
  export function rightChild (index: number, depth?: number): number
  /** The lowest leaf index (even) under `index`. */
  export function leftSpan (index: number, depth?: number): number
  /** The highest leaf index (even) under `index`. */
  export function rightSpan (index: number, depth?: number): number
}
