// hypercore-id-encoding 1.x: Hypercore keys as 64 hex chars or 52 z-base-32 chars. No shipped types.
declare module 'hypercore-id-encoding' {
  /** 32-byte key → z-base-32 string. */
  export function encode (key: Buffer): string
  /** Hex, z-base-32 (optionally `pear://`-prefixed) or a 32-byte Buffer → 32-byte key; throws otherwise. */
  export function decode (id: string | Buffer): Buffer
  export function normalize (id: string | Buffer): string
  export function isValid (id: unknown): boolean
}
