/**
 * A bench's `--name N` flags over its defaults: every name must be one of the defaults' and every
 * value a safe integer ≥ `min`. On anything else it prints `usage`, sets exit code 2 and answers
 * null, so a bench's main is `const args = intFlags(...); if (args === null) return`.
 */
export function intFlags<T extends Record<string, number>> (argv: readonly string[], defaults: T, min: number, usage: string): T | null {
  const out: Record<string, number> = { ...defaults }
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '')
    const value = Number(argv[i + 1])
    if (!argv[i].startsWith('--') || !(name in out) || argv[i + 1] === undefined || !Number.isSafeInteger(value) || value < min) {
      console.error(`usage: ${usage}`)
      process.exitCode = 2
      return null
    }
    out[name] = value
  }
  return out as T
}
