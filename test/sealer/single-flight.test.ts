/**
 * The seal single flight: a pass is refused while a pass runs (the running one covers it), but
 * waits out a later anchor's log section instead of being skipped for it; anchors' sections
 * never overlap a pass. Each wait is on a promise the test resolves, never on the clock.
 */
import { expect } from 'chai'
import { SealerError, SingleFlight } from '../../src/sealer'

function gate (): { open: () => void, opened: Promise<void> } {
  let open!: () => void
  const opened = new Promise<void>((resolve) => { open = resolve })
  return { open, opened }
}

describe('sealer/single-flight', () => {
  it('refuses a pass while a pass runs, with PASS_RUNNING', async () => {
    const flight = new SingleFlight()
    const g = gate()
    const first = flight.run(async () => await g.opened)
    const second = await flight.run(async () => 'ran').catch((err: unknown) => err)
    expect(second).to.be.instanceOf(SealerError)
    expect((second as SealerError).code).to.equal('PASS_RUNNING')
    g.open()
    await first
    expect(await flight.run(async () => 'after')).to.equal('after')
  })

  it('runs a pass after an anchor section that holds the flight, instead of refusing it', async () => {
    const flight = new SingleFlight()
    const order: string[] = []
    const g = gate()
    const anchor = flight.run(async () => { await g.opened; order.push('anchor') }, 'anchor')
    const pass = flight.run(async () => { order.push('pass'); return 'sealed' })
    expect(flight.busy).to.equal(true)
    g.open()
    expect(await pass).to.equal('sealed')
    await anchor
    expect(order).to.deep.equal(['anchor', 'pass'])
  })

  it('lets only one of two passes that waited on the same anchor section run', async () => {
    const flight = new SingleFlight()
    const g = gate()
    const held = gate()
    const anchor = flight.run(async () => await g.opened, 'anchor')
    const a = flight.run(async () => { await held.opened; return 'a' })
    const b = flight.run(async () => 'b').catch((err: unknown) => (err as SealerError).code)
    g.open()
    expect(await b).to.equal('PASS_RUNNING')
    held.open()
    expect(await a).to.equal('a')
    await anchor
  })

  it('refuses an anchor section while a pass runs (anchors wait for idle() themselves)', async () => {
    const flight = new SingleFlight()
    const g = gate()
    const pass = flight.run(async () => await g.opened)
    const refused = await flight.run(async () => 'anchor', 'anchor').catch((err: unknown) => (err as SealerError).code)
    expect(refused).to.equal('PASS_RUNNING')
    g.open()
    await pass
  })

  it('frees the flight when the task fails', async () => {
    const flight = new SingleFlight()
    await flight.run(async () => { throw new Error('boom') }, 'anchor').catch(() => {})
    expect(flight.busy).to.equal(false)
    expect(await flight.run(async () => 'next')).to.equal('next')
  })
})
