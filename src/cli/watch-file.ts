/**
 * The key file of `hyperseal watch --file`: one core key per line (64 hex or 52 z-base-32
 * characters); blank lines and `#` comments (whole lines, or after a key) are skipped. Every
 * line is checked before anything is sent; the first bad one is reported with its line number.
 */
import { readFileSync, statSync } from 'node:fs'
import { HeadsError, keyHex } from '../heads'
import { CliError } from './errors'

/** 100,000 keys with comments fit many times over; anything larger is not a key file. */
const MAX_FILE_BYTES = 64 * 1024 * 1024

/** The hex keys of the file, in file order, each once. */
export function readKeyFile (path: string): string[] {
  let text: string
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw new CliError('BAD_INPUT', `The key file ${path} is larger than ${MAX_FILE_BYTES} bytes.`)
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError('BAD_INPUT', `The key file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`)
  }
  return parseKeyLines(text, path)
}

export function parseKeyLines (text: string, name: string): string[] {
  const keys = new Set<string>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i].indexOf('#')
    const line = (hash === -1 ? lines[i] : lines[i].slice(0, hash)).trim()
    if (line === '') continue
    try {
      keys.add(keyHex(line))
    } catch (err) {
      if (!(err instanceof HeadsError)) throw err
      throw new CliError('BAD_INPUT', `${name} line ${i + 1}: ${err.message}`, { cause: err })
    }
  }
  if (keys.size === 0) throw new CliError('BAD_INPUT', `${name} holds no key: one core key per line, # for comments.`)
  return [...keys]
}
