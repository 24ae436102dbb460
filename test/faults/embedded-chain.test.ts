/**
 * No acknowledged seal is lost on the embedded chain: right after a pass answers (its receipts
 * written), anvil and the service are both killed with SIGKILL, three times in a row on one
 * data directory. After each restart every acknowledged receipt still verifies on chain: the
 * chain state holding a seal is on disk before the seal is acknowledged.
 */
import { expect } from 'chai'
import { appendN, localWriter, runCleanups, tempDir } from '../heads/helpers'
import { waitPidGone } from '../chain/helpers'
import { childReplicaAt, embeddedAnvilPid, sealCount, startServiceChild } from './helpers'

interface Pass { batch: { root: string, heads: Array<{ key: string, length: number }> } | null }

describe('embedded chain: kill -9 of anvil and the service right after an acknowledged seal', function () {
  this.timeout(300_000)
  afterEach(runCleanups)

  it('keeps every acknowledged seal on chain through three kills', async () => {
    const dataDir = tempDir('hs-kill-chain-')
    const writer = await localWriter()
    const acked: Array<{ length: number, root: string }> = []
    for (let round = 0; round < 3; round++) {
      await appendN(writer.core, 1)
      const service = await startServiceChild(dataDir)
      // Earlier rounds: every acknowledged seal verifies on the restarted chain.
      for (const a of acked) {
        const v = await service.send(`verify ${writer.key} ${a.length}`) as { status: string, reason: string }
        expect(v.status, `round ${round}, length ${a.length}: ${v.reason}`).to.equal('verified')
      }
      if (round === 0) await service.send(`watch ${writer.key} 127.0.0.1:${writer.port}`)
      await childReplicaAt(service, writer.key, writer.core.length)
      const pass = await service.send('seal') as Pass
      const head = pass.batch?.heads.find((h) => h.key === writer.key)
      expect(head?.length, `round ${round}: the pass sealed the head`).to.equal(writer.core.length)
      acked.push({ length: head!.length, root: pass.batch!.root })
      // Acknowledged: both die at once, before anything else can happen.
      const anvil = embeddedAnvilPid(dataDir)
      process.kill(anvil, 'SIGKILL')
      await service.kill()
      await waitPidGone(anvil)
    }
    const service = await startServiceChild(dataDir)
    for (const a of acked) {
      const v = await service.send(`verify ${writer.key} ${a.length}`) as { status: string, reason: string }
      expect(v.status, `length ${a.length}: ${v.reason}`).to.equal('verified')
    }
    const batches = await service.send('batches') as Array<{ root: string }>
    expect(batches.map((b) => b.root)).to.include.members(acked.map((a) => a.root))
    expect(await sealCount(service.ready.rpc, service.ready.contract), 'every batch on chain once').to.equal(batches.length)
    await service.send('exit')
    await service.exited
  })
})
