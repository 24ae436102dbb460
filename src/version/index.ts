import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The package's version, read once from package.json (two folders up, from src/ and from dist/
 * alike). Its own folder: the CLI's `--help` path imports it and must stay cheap to load
 * (test/cli/startup.test.ts), and src/config would bring node-cron along.
 */
export const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version
