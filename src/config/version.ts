import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The package's version, read once from package.json (two folders up, from src/ and from dist/ alike). */
export const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version
