import { resolve } from 'node:path'

/**
 * `node -r TS_LOADER file.ts`: how tests start a process from TypeScript source (register.js:
 * esbuild's transpile, not ts-node's, which costs ~2 s of CPU per process on this machine).
 */
export const TS_LOADER = resolve(__dirname, 'register.js')
