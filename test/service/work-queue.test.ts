import { expect } from 'chai'
import fc from 'fast-check'
import { WorkQueue } from '../../src/util'
import { waitFor } from '../heads/helpers'

describe('src/util WorkQueue: background work, bounded (structures asks, the watcher\'s first looks)', () => {
  it('runs every queued item, never more often than it was queued, never more than its concurrency at a time', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), async (items, concurrency) => {
      const done: number[] = []
      let running = 0
      let most = 0
      const queue = new WorkQueue<number>(concurrency, async (item) => {
        running++
        most = Math.max(most, running)
        await new Promise((resolve) => setImmediate(resolve))
        done.push(item)
        running--
      })
      for (const item of items) queue.add(item)
      const distinct = [...new Set(items)]
      await waitFor(() => distinct.every((x) => done.includes(x)) && running === 0, 'the queue to drain')
      for (const x of distinct) expect(done.filter((d) => d === x).length).to.be.at.most(items.filter((i) => i === x).length)
      expect(most).to.be.at.most(concurrency)
    }), { numRuns: 50 })
  })

  it('close drops what is queued; an item deleted before its turn is not run', async () => {
    const started: number[] = []
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    const queue = new WorkQueue<number>(1, async (item) => { started.push(item); await gate })
    queue.add(1)
    queue.add(2)
    queue.add(3)
    queue.delete(2)
    await waitFor(() => started.length === 1, 'the first item to start')
    queue.close()
    queue.add(4)
    release()
    await new Promise((resolve) => setImmediate(resolve))
    expect(started).to.deep.equal([1])
  })
})
