// @ts-check
import tseslint from 'typescript-eslint'

const IO_MODULES = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http',
  'https', 'node:https', 'child_process', 'node:child_process', 'dgram', 'node:dgram'
]
const IO_LIBRARIES = ['fastify', 'fastify/*', 'corestore', 'hypercore', 'hyperbee', 'hyperswarm', 'hyperdht']

// Narrow doors: a folder of src/ is entered only through its index.ts (`../heads`, never
// `../heads/prefix`). An import is written relative to the importing file, so the pattern
// depends on how deep that file sits: from src/a/x.ts another folder is `../b`, from
// src/a/b/x.ts it is `../../b`. Every rule block that sets no-restricted-imports or
// no-restricted-syntax for src/ files must include these (a later block replaces an earlier
// one's options for the same rule, it does not add to them), hence the helpers below.
const DOOR_MESSAGE = 'import another src/ folder only through its index.ts (e.g. `../heads`, not `../heads/prefix`)'
const DEPTHS = [
  { depth: 1, files: ['src/*/*.ts'], up: '../' },
  { depth: 2, files: ['src/*/*/*.ts'], up: '../../' }
]
// `up`, then a folder name, then a slash: a path into another folder, past its door. The
// slashes are escaped so that the same text works in esquery's regex syntax.
const doorRegex = (up) => `^${up.replace(/\./g, '\\.').replace(/\//g, '\\/')}[^./][^/]*\\/`
/** no-restricted-imports options: the door rule, plus a block's own paths and patterns. */
const restrictImports = (up, { paths = [], patterns = [] } = {}) =>
  ['error', { paths, patterns: [{ regex: doorRegex(up), message: DOOR_MESSAGE }, ...patterns] }]
/** no-restricted-syntax options: the door rule for `await import(…)` (no-restricted-imports does not see it), plus a block's own. */
const restrictSyntax = (up, ...selectors) =>
  ['error', { selector: `ImportExpression > Literal[value=/${doorRegex(up)}/]`, message: DOOR_MESSAGE }, ...selectors]
/** The files of `globs` (written for depth 1, e.g. src/seal/*.ts) at the given depth. */
const atDepth = (globs, depth) => globs.map((g) => depth === 1 ? g : g.replace(/\/([^/]*)$/, '/*'.repeat(depth - 1) + '/$1'))

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'artifacts/', 'cache/', 'typechain-types/', 'coverage/', '.hyperseal/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off'
    }
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  // Every src/ file, at each depth: the narrow doors.
  ...DEPTHS.map(({ files, up }) => ({
    files,
    rules: { 'no-restricted-imports': restrictImports(up), 'no-restricted-syntax': restrictSyntax(up) }
  })),
  // Nothing but the entry points (the CLI, src/service, the composition root, and the browser
  // pages, which read the API's answer types) imports the API or the CLI.
  ...DEPTHS.map(({ files, up }) => ({
    files,
    ignores: ['src/api/**', 'src/cli/**', 'src/service/**', 'src/web/client/**'],
    rules: {
      'no-restricted-imports': restrictImports(up, {
        patterns: [{ group: ['api', 'cli'].flatMap((d) => [up + d, `${up + d}/*`]), message: 'only entry points import src/api and src/cli' }]
      })
    }
  })),
  // The sealing math, the verifier and the audit report builder are pure: no network, no
  // disk, no storage engines. ethers is allowed for its hashing/ABI helpers only, never for providers.
  ...DEPTHS.map(({ depth, up }) => ({
    files: atDepth(['src/seal/*.ts', 'src/verify/*.ts', 'src/trust/*.ts', 'src/proof/*.ts', 'src/timestamp/*.ts', 'src/report/builder*.ts'], depth),
    rules: {
      'no-restricted-imports': restrictImports(up, {
        paths: IO_MODULES.map((name) => ({ name, message: 'src/seal and src/verify are pure: pass I/O in.' })),
        patterns: [
          { group: IO_LIBRARIES, message: 'src/seal and src/verify are pure: pass I/O in.' },
          { group: ['chain', 'heads', 'ledger', 'sealer', 'evidence', 'api', 'cli'].flatMap((d) => [up + d, `${up + d}/*`]), message: 'pure modules do not import I/O layers' }
        ]
      }),
      'no-restricted-syntax': restrictSyntax(up, {
        selector: "MemberExpression[object.name='ethers'][property.name=/Provider$/]",
        message: 'no ethers providers in pure modules'
      })
    }
  }))
)
