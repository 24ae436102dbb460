/**
 * Keccak-256 for the leaf hash and the Merkle fold, the hashes a bulk re-check makes three of
 * for every receipt. hash-wasm's WebAssembly Keccak once loaded (`loadFastKeccak`, asynchronous
 * because WebAssembly compiles so), js-sha3 until then and wherever it is never loaded (a
 * browser bundle that does not ask for it): both are Keccak-256 (the tests check them equal on
 * every length around the 136-byte rate), so which one answers never changes an answer.
 * Measured for the leaf's two hashes: ~4 µs against js-sha3's ~9-10 µs (bench/recheck).
 *
 * One hasher object, used synchronously from start to digest: JavaScript runs one function at a
 * time per thread, so no call sees another's state.
 */
import { createKeccak, type IHasher } from 'hash-wasm'
import { keccak256 as jsKeccak } from 'js-sha3'

let wasm: IHasher | undefined
let loading: Promise<void> | undefined

/**
 * Loads the WebAssembly Keccak for this thread (each worker thread loads its own); resolves once
 * it answers. A failure to load (no WebAssembly) is not an error: js-sha3 goes on answering.
 */
export async function loadFastKeccak (): Promise<void> {
  loading ??= createKeccak(256).then((hasher) => { wasm = hasher }, () => {})
  await loading
}

/** keccak256 of bytes as lowercase hex without 0x. */
export function keccakHexRaw (bytes: Uint8Array): string {
  if (wasm === undefined) return jsKeccak(bytes)
  wasm.init()
  wasm.update(bytes)
  return wasm.digest('hex')
}

/** keccak256(keccak256(bytes)) as lowercase hex without 0x: a StandardMerkleTree leaf. */
export function doubleKeccakHexRaw (bytes: Uint8Array): string {
  if (wasm === undefined) return jsKeccak(jsKeccak.arrayBuffer(bytes))
  wasm.init()
  wasm.update(bytes)
  const inner = wasm.digest('binary')
  wasm.init()
  wasm.update(inner)
  return wasm.digest('hex')
}

/** Whether the WebAssembly Keccak answers on this thread (for tests and benches). */
export function fastKeccakLoaded (): boolean {
  return wasm !== undefined
}
