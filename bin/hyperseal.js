#!/usr/bin/env node
'use strict'
// The `hyperseal` command. Runs the compiled CLI from dist/ (built by `npm run build`, which
// `npm start` runs); from a source checkout without a build, it runs src/ through ts-node.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const compiled = join(__dirname, '..', 'dist', 'cli', 'main.js')
if (existsSync(compiled) && !process.env.HYPERSEAL_FROM_SOURCE) {
  require(compiled).main(process.argv)
} else {
  // A TypeScript loader already in place (`node -r …`, as the tests start it) is used as is.
  if (require.extensions['.ts'] === undefined) require('ts-node').register({ transpileOnly: true, project: join(__dirname, '..', 'tsconfig.json') })
  require(join(__dirname, '..', 'src', 'cli', 'main.ts')).main(process.argv)
}
