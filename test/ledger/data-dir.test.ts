import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { openDataDir, type DataDir } from '../../src/ledger'
import { Child } from '../support/ledger-child'
import { expectCode, TempDirs } from './helpers'

interface Answer { ok: boolean, pid?: number, code?: string, message?: string }

describe('ledger: data directory', function () {
  const dirs = new TempDirs()
  const open: DataDir[] = []
  const children: Child[] = []

  afterEach(async function () {
    for (const child of children.splice(0)) await child.kill()
    for (const d of open.splice(0)) await d.close()
    dirs.cleanup()
  })

  async function openHere (dir: string): Promise<DataDir> {
    const d = await openDataDir(dir)
    open.push(d)
    return d
  }

  function start (dir: string, hold = false): Child {
    const child = new Child('ledger-open.ts', hold ? [dir, 'hold'] : [dir])
    children.push(child)
    return child
  }

  async function answer (child: Child): Promise<Answer> {
    return JSON.parse(await child.waitFor((l) => l.startsWith('{'))) as Answer
  }

  function writeLock (dir: string, fields: Record<string, unknown>): void {
    writeFileSync(join(dir, 'LOCK'), JSON.stringify({ host: hostname(), bootId: null, startTime: null, acquiredAt: '2026-01-01T00:00:00.000Z', token: 'x', ...fields }))
  }

  it('creates the directory with mode 0700 and a Corestore inside', async function () {
    const dir = join(dirs.make(), 'nested', 'data')
    const d = await openHere(dir)
    expect(d.dir).to.equal(dir)
    expect(statSync(dir).mode & 0o777).to.equal(0o700)
    expect(existsSync(join(dir, 'corestore'))).to.equal(true)
    expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf-8')).pid).to.equal(process.pid)
    await d.close()
    await d.close()
    expect(existsSync(join(dir, 'LOCK'))).to.equal(false)
  })

  it('refuses a second process while this one holds it, naming the directory and the holder', async function () {
    const dir = dirs.make()
    await openHere(dir)
    const result = await answer(start(dir))
    expect(result.code).to.equal('DATA_DIR_LOCKED')
    expect(result.message).to.include(dir).and.include(`process ${process.pid}`)
  })

  it('refuses this process while another holds it, and takes over once that one is killed', async function () {
    const dir = dirs.make()
    const holder = start(dir, true)
    const held = await answer(holder)
    expect(held.ok).to.equal(true)
    const err = await expectCode(openHere(dir), 'DATA_DIR_LOCKED')
    expect(err.message).to.include(dir).and.include(`process ${held.pid}`)
    await holder.kill('SIGKILL')
    expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf-8')).pid).to.equal(held.pid) // left behind
    await openHere(dir)
    expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf-8')).pid).to.equal(process.pid)
  })

  it('still refuses through the Corestore lock when the LOCK file was deleted under a live holder', async function () {
    const dir = dirs.make()
    const holder = start(dir, true)
    expect((await answer(holder)).ok).to.equal(true)
    unlinkSync(join(dir, 'LOCK'))
    const err = await expectCode(openHere(dir), 'DATA_DIR_LOCKED')
    expect(err.message).to.include(dir)
    expect(existsSync(join(dir, 'LOCK'))).to.equal(false) // released again after the refusal
  })

  it('refuses a second open in the same process', async function () {
    const dir = dirs.make()
    await openHere(dir)
    await expectCode(openHere(dir), 'DATA_DIR_LOCKED')
  })

  it('takes over a stale lock: dead pid, reused pid, other boot, half-written and old', async function () {
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number
    const cases: Array<(dir: string) => void> = [
      (dir) => writeLock(dir, { pid: dead }),
      (dir) => writeLock(dir, { pid: process.ppid, startTime: '1' }), // live pid, other start time
      (dir) => writeLock(dir, { pid: process.ppid, bootId: 'another-boot' }),
      (dir) => { writeFileSync(join(dir, 'LOCK'), ''); utimesSync(join(dir, 'LOCK'), new Date(0), new Date(0)) }
    ]
    for (const make of cases) {
      const dir = dirs.make()
      make(dir)
      const d = await openHere(dir)
      expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf-8')).pid).to.equal(process.pid)
      await d.close()
    }
  })

  it('keeps a lock that may be live: other host, live pid, freshly created', async function () {
    const dir = dirs.make()
    writeLock(dir, { pid: 4242, host: 'elsewhere.example' })
    const err = await expectCode(openHere(dir), 'DATA_DIR_LOCKED')
    expect(err.message).to.include('4242').and.include('elsewhere.example').and.include(dir)
    writeLock(dir, { pid: process.ppid })
    await expectCode(openHere(dir), 'DATA_DIR_LOCKED')
    writeFileSync(join(dir, 'LOCK'), '')
    await expectCode(openHere(dir), 'DATA_DIR_LOCKED')
  })

  it('refuses a path that is a file (DATA_DIR_UNUSABLE)', async function () {
    const file = join(dirs.make(), 'file')
    writeFileSync(file, 'x')
    await expectCode(openHere(file), 'DATA_DIR_UNUSABLE')
    await expectCode(openHere(join(file, 'below')), 'DATA_DIR_UNUSABLE')
  })
})
