/**
 * Builds the browser pages (`npm run build`, and the browser tests before they start): esbuild
 * bundles client/verify-page.ts and client/dashboard-page.ts with the project's own pure verifier
 * (src/verify, src/seal, src/trust, src/timestamp) and evidence path, unchanged, into
 * content-hashed files under `<out>/assets/`, and writes `<out>/index.html` and
 * `<out>/verify.html` naming them.
 *
 * What makes the Node code run in a browser, and nothing else:
 * - `sodium-native` is aliased to `sodium-javascript` (what `sodium-universal` does in a browser);
 * - `Buffer` comes from npm `buffer`, injected where the code names the global;
 * - src/ modules are marked side-effect free, so the doors' Node-only exports (the embedded
 *   anvil, Corestore readers, the ledger) that the pages never call are dropped by tree shaking.
 *   The build fails if any Node-only module or library is left in the output, rather than ship
 *   a page that breaks when it loads.
 *
 *   node -r ts-node/register/transpile-only src/web/build.ts [outDir]
 */
import { builtinModules } from 'node:module'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Metafile, Plugin } from 'esbuild'
import { ASSETS, SITE_DIR } from './index'

const SRC = resolve(__dirname, '..')
const ROOT = resolve(SRC, '..')
const CLIENT = join(__dirname, 'client')
const ENTRIES = { verify: 'verify-page.ts', dashboard: 'dashboard-page.ts' } as const
const HTML: Record<keyof typeof ENTRIES, string> = { verify: 'verify.html', dashboard: 'index.html' }

/** Libraries that only run in Node: finding one in the output means tree shaking failed. */
const NODE_ONLY = /node_modules\/(corestore|hypercore|hyperbee|hyperswarm|hyperdht|rocksdb-native|udx-native|fastify|@fastify|pino|pdfkit|sodium-native|@foundry-rs)\//

export interface SiteFile { path: string, bytes: number, gzipBytes: number }
export interface SiteBuild {
  dir: string
  files: SiteFile[]
  /** Each page's HTML file and the assets it loads (its entry, the chunks it imports, its style sheet), as paths in `dir`. */
  pages: Record<string, string[]>
}

/** src/ files are side-effect free: importing a door does not keep its unused Node-only parts. */
const pureSources: Plugin = {
  name: 'hyperseal-pure-sources',
  setup (build) {
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined
      const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolving' })
      if (resolved.errors.length > 0 || !resolved.path.startsWith(SRC + '/') || resolved.path.endsWith('.css')) return undefined
      return { path: resolved.path, sideEffects: false }
    })
  }
}

function checkOutput (meta: Metafile): void {
  for (const [file, output] of Object.entries(meta.outputs)) {
    // The I/O folders of src/ may lend an error class through their door (gatherVerifyInput
    // throws HeadsError), nothing else.
    const used = Object.entries(output.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([input]) => input)
    const nodeOnly = used.filter((input) => NODE_ONLY.test(input) || /^src\/(heads|ledger|sealer|service|api|cli)\/(?!(errors|index)\.ts$)/.test(input))
    if (nodeOnly.length > 0) throw new Error(`${file} would ship Node-only code: ${nodeOnly.slice(0, 5).join(', ')}`)
    // A static import of a Node built-in would stop the module from loading at all; guarded
    // require()s inside libraries (a fallback never taken in a browser) are left as they are.
    const statics = output.imports.filter((i) => i.external && i.kind === 'import-statement')
    if (statics.length > 0) throw new Error(`${file} imports ${statics.map((i) => i.path).join(', ')}, which a browser does not have`)
  }
}

function pageHtml (template: string, js: string, css: string | undefined): string {
  const tags = `${css !== undefined ? `<link rel="stylesheet" href="/${ASSETS}/${css}">\n    ` : ''}<script type="module" src="/${ASSETS}/${js}"></script>`
  if (!template.includes('<!-- assets -->')) throw new Error('a page template lacks its <!-- assets --> marker')
  return template.replace('<!-- assets -->', tags)
}

export async function buildSite (opts: { outDir?: string, minify?: boolean } = {}): Promise<SiteBuild> {
  const { build } = await import('esbuild')
  const dir = resolve(opts.outDir ?? SITE_DIR)
  const assets = join(dir, ASSETS)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(assets, { recursive: true })
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(CLIENT, file)])),
    outdir: assets,
    bundle: true,
    // One bundle per page, no shared chunk: esbuild splits by module, so a chunk shared with the
    // verifier would make the dashboard load the verifier's crypto and ethers (5× its own size).
    splitting: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16'],
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    minify: opts.minify ?? true,
    legalComments: 'linked',
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'silent',
    alias: { 'sodium-native': 'sodium-javascript' },
    inject: [join(CLIENT, 'node-globals.ts')],
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"', 'process.env.NODE_DEBUG': 'undefined' },
    // Built-ins are only reached through guarded fallbacks in libraries (checked above).
    external: [...builtinModules.filter((m) => m !== 'buffer'), 'node:*'],
    plugins: [pureSources]
  })
  checkOutput(result.metafile)
  const outputs = result.metafile.outputs
  const pages: Record<string, string[]> = {}
  const loads = (out: string, seen: Set<string>): void => {
    if (seen.has(out)) return
    seen.add(out)
    for (const i of outputs[out].imports) if (!i.external && outputs[i.path] !== undefined) loads(i.path, seen)
    const css = outputs[out].cssBundle
    if (css !== undefined) seen.add(css)
  }
  for (const [name, file] of Object.entries(HTML) as Array<[keyof typeof ENTRIES, string]>) {
    const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint !== undefined && basename(o.entryPoint) === ENTRIES[name])
    if (entry === undefined) throw new Error(`esbuild wrote no output for ${name}`)
    const css = entry[1].cssBundle
    const seen = new Set<string>()
    loads(entry[0], seen)
    pages[file] = [file, ...[...seen].map((f) => relative(dir, join(ROOT, f)))]
    writeFileSync(join(dir, file), pageHtml(readFileSync(join(__dirname, 'pages', file), 'utf8'), basename(entry[0]), css === undefined ? undefined : basename(css)))
  }
  const files = Object.keys(result.metafile.outputs).map((f) => join(ROOT, f)).concat(Object.values(HTML).map((f) => join(dir, f))).map((path) => {
    const bytes = readFileSync(path)
    return { path: relative(dir, path), bytes: bytes.byteLength, gzipBytes: gzipSync(bytes).byteLength }
  })
  return { dir, files, pages }
}

if (require.main === module) {
  buildSite({ ...(process.argv[2] !== undefined ? { outDir: process.argv[2] } : {}) }).then((site) => {
    const js = site.files.filter((f) => f.path.endsWith('.js'))
    const sum = (key: 'bytes' | 'gzipBytes'): number => js.reduce((n, f) => n + f[key], 0)
    process.stdout.write(`web pages built in ${site.dir}: ${site.files.length} files, JavaScript ${(sum('bytes') / 1024).toFixed(0)} KiB (${(sum('gzipBytes') / 1024).toFixed(0)} KiB gzip)\n`)
  }).catch((err: unknown) => {
    process.stderr.write(`web build failed: ${(err as Error).message}\n`)
    process.exitCode = 1
  })
}
