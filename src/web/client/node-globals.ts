// Injected by esbuild (build.ts) wherever a bundled module names the Node global `Buffer`: the
// pure verifier works on Buffers, and npm `buffer` is the same API for the browser.
export { Buffer } from 'buffer'
