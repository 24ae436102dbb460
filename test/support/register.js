'use strict'
/**
 * The TypeScript loader of the processes tests start (the CLI from source, a service, a ledger
 * or chain child): `node -r ./test/support/register.js file.ts`. It transpiles each file with
 * esbuild, as `ts-node/register/transpile-only` does with the TypeScript compiler, but without
 * loading that compiler: a CLI start costs ~0.3 s of CPU instead of ~2 s, and the suite starts
 * a few hundred of them. Like ts-node's transpile-only mode it checks no types (`npm test`'s
 * typecheck does); the compiler options that change emitted code come from tsconfig.json.
 */
const { readFileSync } = require('node:fs')
const { join } = require('node:path')
const { transformSync } = require('esbuild')

const { compilerOptions } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'tsconfig.json'), 'utf8'))
const tsconfigRaw = { compilerOptions: { target: compilerOptions.target, useDefineForClassFields: compilerOptions.useDefineForClassFields, esModuleInterop: compilerOptions.esModuleInterop } }

require.extensions['.ts'] = function loadTs (module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    loader: 'ts', format: 'cjs', platform: 'node', target: 'node20', sourcefile: filename, sourcemap: 'inline', tsconfigRaw,
    // `await import('../heads')` as tsc emits it for CommonJS: a require, which resolves folders and .ts files.
    supported: { 'dynamic-import': false }
  })
  module._compile(code, filename)
}
