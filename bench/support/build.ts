import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')

function newestMtime (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** Builds dist/ (tsc -p tsconfig.build.json) when a source file is newer: a bench measures the CLI a user runs. */
export function ensureBuilt (): void {
  const main = join(ROOT, 'dist', 'cli', 'main.js')
  let built = 0
  try {
    built = statSync(main).mtimeMs
  } catch {
    built = 0
  }
  if (built >= newestMtime(join(ROOT, 'src'))) return
  console.log('dist/ is missing or older than src/: building it (tsc -p tsconfig.build.json)…')
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' })
  if (tsc.status !== 0) throw new Error('the build failed')
}
