import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { TS_LOADER } from '../support/ts-loader'
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { onCleanup, runCleanups, tempDir, waitFor } from '../heads/helpers'
import { runCli } from './helpers'

const BIN = resolve(__dirname, '../../bin/hyperseal.js')

describe('hyperseal demo', function () {
  // A demo from source starts a chain, a service and writers: minutes on a loaded 2-core machine.
  this.timeout(600_000)
  afterEach(runCleanups)

  it('narrates verified, then rewind, then fork, exits 0 and leaves nothing behind', async () => {
    // ts-node keeps its compile cache there too; the demo's own directories are hyperseal-*.
    // The demo's temporary directories (and the anvil state in them) go under this TMPDIR.
    const tmp = tempDir('hs-demo-tmp-')
    const run = await runCli(['demo'], { TMPDIR: tmp })
    expect(run.code, run.stderr + run.stdout).to.equal(0)
    const verified = run.stdout.indexOf('Verify version 3: VERIFIED')
    const rewind = run.stdout.indexOf('Verify version 3 again: REWIND')
    const forkVerified = run.stdout.indexOf('Verify version 10 (only device one seen so far): VERIFIED')
    const fork = run.stdout.indexOf('Verify version 10 again: FORK')
    expect(verified, run.stdout).to.be.greaterThan(-1)
    expect(rewind).to.be.greaterThan(verified)
    expect(forkVerified).to.be.greaterThan(rewind)
    expect(fork).to.be.greaterThan(forkVerified)
    expect(run.stdout).to.match(/evidence: rewind detected/)
    expect(readdirSync(tmp).filter((n) => n.startsWith('hyperseal-'))).to.deep.equal([])
  })

  it('cleans up on Ctrl-C (SIGINT) and exits 130', async () => {
    const tmp = tempDir('hs-demo-int-')
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HYPERSEAL_')))
    const child = spawn(process.execPath, ['-r', TS_LOADER, BIN, 'demo'], { env: { ...base, HYPERSEAL_FROM_SOURCE: '1', TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    onCleanup(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    await waitFor(() => out.includes('[2/6]'), 'the demo to start its writer', 400_000)
    child.kill('SIGINT')
    expect(await exited, out).to.equal(130)
    expect(out).to.include('Interrupted: cleaning up')
    expect(readdirSync(tmp).filter((n) => n.startsWith('hyperseal-'))).to.deep.equal([])
  })
})
