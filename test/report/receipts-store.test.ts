import { expect } from 'chai'
import { existsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { ReceiptsFileRef } from '../../src/report'

async function drain (stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of stream) parts.push(Buffer.from(part as Buffer))
  return Buffer.concat(parts)
}

describe('report: the receipts file in a temporary file (receipts-store.ts)', () => {
  it('holds what was written, chunk by chunk, reads and streams it, and is gone once released', async () => {
    const writer = await ReceiptsFileRef.writer()
    const chunks = ['{"a":1}\n', '', '{"b":"é"}\n{"c":3}\n']
    for (const c of chunks) await writer.write(c)
    expect(statSync(writer.path).mode & 0o777).to.equal(0o600)
    const ref = await writer.done()
    const expected = Buffer.from(chunks.join(''), 'utf8')
    expect(ref.bytes).to.equal(expected.length)
    expect((await ref.read()).equals(expected)).to.equal(true)
    expect((await drain(ref.stream())).equals(expected)).to.equal(true)
    await ref.release()
    expect(existsSync(dirname(writer.path))).to.equal(false)
    let failed: unknown
    try { await ref.read() } catch (err) { failed = err }
    expect(failed).to.be.instanceOf(Error)
  })

  it('an aborted build leaves no file behind', async () => {
    const writer = await ReceiptsFileRef.writer()
    await writer.write('{"a":1}\n')
    await writer.abort()
    expect(existsSync(dirname(writer.path))).to.equal(false)
  })

  it('in memory: the same answers', async () => {
    const buffer = Buffer.from('{"a":1}\n')
    const ref = ReceiptsFileRef.of(buffer)
    expect(ref.bytes).to.equal(buffer.length)
    expect((await ref.read()).equals(buffer)).to.equal(true)
    expect((await drain(ref.stream())).equals(buffer)).to.equal(true)
  })
})
