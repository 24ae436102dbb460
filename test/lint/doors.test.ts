import { expect } from 'chai'
import { resolve } from 'node:path'
import { ESLint } from 'eslint'

const ROOT = resolve(__dirname, '../..')

/** The messages the project's eslint config gives `code` as if it were the file `path` (not written to disk). */
async function lint (path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT })
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, path) })
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

const door = (messages: string[]): string[] => messages.filter((m) => m.includes('only through its index.ts'))

describe('lint: narrow doors (eslint.config.mjs) — another src/ folder only through its index.ts', function () {
  this.timeout(60_000)

  it('refuses an import past another folder\'s index.ts, static, re-exported or dynamic, at any depth', async () => {
    const refused: Array<[string, string]> = [
      ['src/service/x.ts', "import type { ServicePort } from '../api/service-port'\nexport type T = ServicePort\n"],
      ['src/cli/x.ts', "import { parseKey } from '../heads/parse'\nexport const k = parseKey\n"],
      ['src/cli/x.ts', "export { parseKey } from '../heads/parse'\n"],
      ['src/cli/x.ts', "export async function f (): Promise<unknown> { return await import('../heads/parse') }\n"],
      ['src/cli/x.ts', "import { parseKey } from '../heads/index'\nexport const k = parseKey\n"],
      ['src/api/routes/x.ts', "import { renderReport } from '../../report/render'\nexport const r = renderReport\n"],
      ['src/api/routes/x.ts', "export async function f (): Promise<unknown> { return await import('../../report/render') }\n"],
      ['src/verify/x.ts', "import { leafOf } from '../seal/leaf'\nexport const l = leafOf\n"]
    ]
    for (const [path, code] of refused) expect(door(await lint(path, code)), `${path}: ${code}`).to.have.length(1)
  })

  it('lets a folder use its own files and others through their doors', async () => {
    const allowed: Array<[string, string]> = [
      ['src/service/x.ts', "import type { ServicePort } from '../api'\nexport type T = ServicePort\n"],
      ['src/cli/x.ts', "import { parseKey } from '../heads'\nimport { CliError } from './errors'\nexport const k = [parseKey, CliError]\n"],
      ['src/cli/x.ts', "export async function f (): Promise<unknown> { return [await import('../heads'), await import('./http-client')] }\n"],
      ['src/api/routes/x.ts', "import { renderReport } from '../../report'\nimport type { ServicePort } from '../service-port'\nexport const r: [unknown, ServicePort | null] = [renderReport, null]\n"],
      ['src/chain/x.ts', "import artifact from './artifact/HyperSeal.json'\nexport const a = artifact\n"]
    ]
    for (const [path, code] of allowed) expect(await lint(path, code), `${path}: ${code}`).to.deep.equal([])
  })

  it('still keeps the pure modules pure and the entry points private', async () => {
    expect(await lint('src/verify/x.ts', "import { createChainClient } from '../chain'\nexport const c = createChainClient\n")).to.have.length(1)
    expect(await lint('src/heads/x.ts', "import { buildApp } from '../api'\nexport const b = buildApp\n")).to.have.length(1)
  })
})
