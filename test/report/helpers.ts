import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { runProgram } from '../../src/cli/exit'
import { buildProgram } from '../../src/cli/main'
import { tempDir } from '../heads/helpers'

const run = promisify(execFile)
const CHROMIUM = '/usr/bin/chromium'
const PDFTOTEXT = '/usr/bin/pdftotext'

/** The renderers' external checkers are required (CI installs them): a clear failure, never a skip. */
export function requireTool (path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: install the Debian package "${pkg}" (apt-get install ${pkg}); the report rendering tests need it.`)
}

/** Headless Chromium's DOM of an HTML file, after parsing and layout. */
export async function dumpDom (file: string): Promise<string> {
  requireTool(CHROMIUM, 'chromium')
  const profile = tempDir('hs-chromium-')
  const { stdout } = await run(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--dump-dom', `file://${file}`
  ], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

/** The text of a PDF, pages separated by form feeds. */
export async function pdfText (file: string): Promise<string> {
  requireTool(PDFTOTEXT, 'poppler-utils')
  return (await run(PDFTOTEXT, ['-layout', file, '-'], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 })).stdout
}

/** Runs the real `hyperseal` program in this process, stdout/stderr captured, the exit code restored. */
export async function cli (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  const saved = { err: process.stderr.write, out: process.stdout.write, exitCode: process.exitCode }
  let stdout = ''
  let stderr = ''
  process.exitCode = undefined
  process.stderr.write = ((c: string | Uint8Array) => { stderr += c.toString(); return true }) as typeof process.stderr.write
  process.stdout.write = ((c: string | Uint8Array) => { stdout += c.toString(); return true }) as typeof process.stdout.write
  try {
    return { code: await runProgram(buildProgram(), ['node', 'hyperseal', ...args]), stdout, stderr }
  } finally {
    process.stderr.write = saved.err
    process.stdout.write = saved.out
    process.exitCode = saved.exitCode
  }
}

/** Debian's Chromium through playwright-core, a fresh profile, closed when `fn` ends. */
export async function withChromium<T> (fn: (page: import('playwright-core').Page) => Promise<T>): Promise<T> {
  requireTool(CHROMIUM, 'chromium')
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launchPersistentContext(tempDir('hs-chromium-'), {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1100, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  try {
    return await fn(await browser.newPage())
  } finally {
    await browser.close()
  }
}

/** Pixels of each given colour (#rrggbb, exact) on page `page` of a PDF, rasterised by pdftoppm. */
export async function pdfColours (file: string, page: number, colours: string[]): Promise<Record<string, number>> {
  requireTool('/usr/bin/pdftoppm', 'poppler-utils')
  const { stdout } = await run('/usr/bin/pdftoppm', ['-r', '72', '-f', String(page), '-l', String(page), '-aa', 'no', '-aaVector', 'no', file], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 30_000 })
  const ppm = stdout as unknown as Buffer
  // Binary PPM: "P6\n<w> <h>\n255\n" then RGB triples.
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'))
  if (header === null) throw new Error('pdftoppm did not write a PPM')
  const counts: Record<string, number> = Object.fromEntries(colours.map((c) => [c, 0]))
  const wanted = new Map(colours.map((c) => [parseInt(c.slice(1), 16), c]))
  for (let i = header[0].length; i + 2 < ppm.length; i += 3) {
    const c = wanted.get((ppm[i] << 16) | (ppm[i + 1] << 8) | ppm[i + 2])
    if (c !== undefined) counts[c]++
  }
  return counts
}
