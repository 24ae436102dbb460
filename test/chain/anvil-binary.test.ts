import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { resolveAnvilCommand } from '../../src/chain/anvil-binary'
import { codeOf } from './helpers'

describe('chain: finding the anvil binary', () => {
  it('picks the platform package binary for this machine', () => {
    const cmd = resolveAnvilCommand()
    expect(cmd.wrapped).to.equal(false)
    accessSync(cmd.command, constants.X_OK)
    expect(execFileSync(cmd.command, ['--version'], { encoding: 'utf8' })).to.match(/anvil Version: 1\.7\.1/)
  })

  it('falls back to the Node wrapper of @foundry-rs/anvil, which runs anvil', () => {
    const cmd = resolveAnvilCommand('sunos', 'sparc')
    expect(cmd).to.deep.include({ command: process.execPath, wrapped: true })
    expect(cmd.prefix[0]).to.match(/@foundry-rs[/\\]anvil[/\\]bin\.mjs$/)
    expect(execFileSync(cmd.command, [...cmd.prefix, '--version'], { encoding: 'utf8' })).to.match(/anvil Version/)
  })

  it('answers ANVIL_FAILED when neither is installed', async () => {
    const none = (): string => { throw new Error('not found') }
    expect(await codeOf(() => resolveAnvilCommand('linux', 'x64', none))).to.equal('ANVIL_FAILED')
  })
})
