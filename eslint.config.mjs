// @ts-check
import tseslint from 'typescript-eslint'

const IO_MODULES = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http',
  'https', 'node:https', 'child_process', 'node:child_process', 'dgram', 'node:dgram'
]
const IO_LIBRARIES = ['fastify', 'fastify/*', 'corestore', 'hypercore', 'hyperbee', 'hyperswarm', 'hyperdht']

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
  {
    // Nothing but the entry points (the CLI and src/service, the composition root) imports the API or the CLI.
    files: ['src/**/*.ts'],
    ignores: ['src/api/**', 'src/cli/**', 'src/service/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../api', '../api/*', '../cli', '../cli/*'], message: 'only entry points import src/api and src/cli' }]
      }]
    }
  },
  {
    // The sealing math, the verifier and the audit report builder are pure: no network, no
    // disk, no storage engines. ethers is allowed for its hashing/ABI helpers only, never for providers.
    files: ['src/seal/**/*.ts', 'src/verify/**/*.ts', 'src/trust/**/*.ts', 'src/report/builder*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: IO_MODULES.map((name) => ({ name, message: 'src/seal and src/verify are pure: pass I/O in.' })),
        patterns: [
          { group: IO_LIBRARIES, message: 'src/seal and src/verify are pure: pass I/O in.' },
          { group: ['../chain', '../chain/*', '../heads', '../heads/*', '../ledger', '../ledger/*', '../sealer', '../sealer/*', '../evidence', '../evidence/*', '../api', '../api/*', '../cli', '../cli/*'], message: 'pure modules do not import I/O layers' }
        ]
      }],
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[object.name='ethers'][property.name=/Provider$/]",
        message: 'no ethers providers in pure modules'
      }]
    }
  }
)
