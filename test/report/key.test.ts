import { expect } from 'chai'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadReportKey, REPORT_KEY_FILE } from '../../src/service/report-key'
import { codeOf, runCleanups, tempDir } from '../heads/helpers'

describe('the report signing key in the data directory (src/service/report-key.ts)', () => {
  afterEach(runCleanups)

  it('is made once (mode 0600, no temp file left) and the same key comes back on the next start', () => {
    const dir = tempDir('hs-report-key-')
    const first = loadReportKey(dir)
    const file = join(dir, REPORT_KEY_FILE)
    expect(statSync(file).mode & 0o777).to.equal(0o600)
    expect(readdirSync(dir)).to.deep.equal([REPORT_KEY_FILE])
    const again = loadReportKey(dir)
    expect(again.publicKey.equals(first.publicKey)).to.equal(true)
    expect(again.secretKey.equals(first.secretKey)).to.equal(true)
  })

  it('a file that is not a key stops the start instead of being replaced', async () => {
    const dir = tempDir('hs-report-key-')
    const file = join(dir, REPORT_KEY_FILE)
    const good = loadReportKey(dir).secretKey.toString('hex')
    for (const bad of ['', 'zz', good.slice(0, 127), good.slice(0, 64) + 'ab'.repeat(32)]) {
      writeFileSync(file, bad)
      expect(await codeOf(() => loadReportKey(dir)), JSON.stringify(bad.slice(0, 10))).to.equal('DATA_DIR_UNUSABLE')
      expect(existsSync(file)).to.equal(true)
    }
  })
})
