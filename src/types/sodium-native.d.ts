// The subset of sodium-native (libsodium bindings) that Hyperseal uses. The package ships no types.
declare module 'sodium-native' {
  export const crypto_generichash_BYTES: number
  export const crypto_sign_BYTES: number
  export const crypto_sign_PUBLICKEYBYTES: number
  export const crypto_sign_SECRETKEYBYTES: number
  export const crypto_sign_SEEDBYTES: number

  /** BLAKE2b of the concatenation of `inputs` into `out` (its length is the digest size). */
  export function crypto_generichash (out: Uint8Array, input: Uint8Array, key?: Uint8Array): void
  export function crypto_generichash_batch (out: Uint8Array, inputs: Uint8Array[], key?: Uint8Array): void

  export function crypto_sign_keypair (publicKey: Uint8Array, secretKey: Uint8Array): void
  export function crypto_sign_seed_keypair (publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void
  export function crypto_sign_detached (signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void
  export function crypto_sign_verify_detached (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean

  export function randombytes_buf (out: Uint8Array): void
}
