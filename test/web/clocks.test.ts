import { expect } from 'chai'
import type { Page } from 'playwright-core'
import type { Receipt } from '../../src/seal'
import { requestTimestamp } from '../../src/timestamp'
import type { TrustRoot } from '../../src/trust'
import type { Verdict } from '../../src/verify'
import { anchorsConfig, secondaryChain, testTsa } from '../anchors/helpers'
import { runCleanups, type LocalWriter } from '../heads/helpers'
import { sealedWriter } from '../sealer/helpers'
import type { TestTsa } from '../support/tsa'
import { checksOf, openWeb, rpcForwarder, shownStatus, type WebFixture } from './helpers'

const SECONDARY = 31338
const BLOCKS = 4

/**
 * Every clock in the browser (issue 15 item 2): a service whose primary chain is its embedded
 * anvil, with a second anvil (chain 31338) as a secondary anchor and the local OpenSSL TSA
 * (test/support/tsa.ts) stamping every pass. The /verify page in Chromium checks the secondary
 * seal through an endpoint the person gives and each RFC 3161 token against the pinned root's
 * TSA certificates, with the code `hyperseal verify` runs.
 */
describe('the /verify page checks every clock: a secondary chain and RFC 3161 tokens', function () {
  this.timeout(300_000)
  let web: WebFixture
  let tsa: TestTsa
  let l1: { rpcUrl: string, chainId: number, contract: string }
  let writer: LocalWriter
  let receipt: Receipt
  /** The service's own verdict, every clock checked with its endpoints. */
  let service: Verdict

  before(async () => {
    l1 = await secondaryChain(SECONDARY)
    tsa = await testTsa()
    web = await openWeb({ env: anchorsConfig(l1, { tsa }) })
    writer = await sealedWriter(web.service, BLOCKS) // one pass: the primary seal
    // The later clocks, each run now rather than on its cron: the secondary seal and a token.
    expect(await web.service.anchorNow()).to.deep.equal([{ name: 'l1', ok: true }, { name: 'tsa', ok: true }])
    receipt = (await web.service.coreReceipts(writer.key))[0].receipt
    expect(receipt.anchors?.map((a) => a.type).sort()).to.deep.equal(['evm', 'rfc3161'])
    service = await web.service.verify(writer.key, BLOCKS)
    expect(service.clocks?.map((c) => [c.name, c.ok])).to.deep.equal([['primary', true], ['l1', true], ['tsa', true]])
  })
  after(runCleanups)

  const url = (extra = ''): string => `/verify?key=${writer.key}&version=${BLOCKS}${extra}`
  /** The clocks the page lists, as [name, ok] pairs. */
  const clocksOf = (page: Page): Promise<Array<[string, string]>> =>
    page.locator('[data-clock]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-clock')!, e.getAttribute('data-ok')!] as [string, string]))
  const clockText = async (page: Page, name: string): Promise<string> => await page.locator(`[data-clock="${name}"]`).innerText()
  /** As the page writes a time (src/web/client/format.ts). */
  const shown = (iso: string | null): string => new Date(iso!).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
  const clock = (name: string): NonNullable<Verdict['clocks']>[number] => service.clocks!.find((c) => c.name === name)!

  it('without an endpoint for chain 31338 the secondary clock is "not checked", says why, and is not counted; the token is checked', async () => {
    const { page, problems } = await web.open(url())
    expect(await shownStatus(page)).to.equal('verified')
    expect(await clocksOf(page)).to.deep.equal([['primary', 'true'], ['l1', 'null'], ['tsa', 'true']])
    expect(await clockText(page, 'l1')).to.equal(`l1 (chain ${SECONDARY}): not checked — no JSON-RPC endpoint for chain ${SECONDARY} was given.`)
    expect(await clockText(page, 'tsa')).to.equal(`tsa (RFC 3161 time-stamp): ${shown(clock('tsa').time)} (final)`)
    // The anchor checks: the token's passed, the secondary's neither passed nor failed.
    expect((await checksOf(page)).filter(([c]) => c === 'anchor').map(([, ok]) => ok).sort()).to.deep.equal(['null', 'true'])
    // sealedAt rests on the clocks that checked only: the earliest of the primary and the token.
    const earliest = [clock('primary').time!, clock('tsa').time!].sort()[0]
    expect(await page.locator('.facts dd').first().innerText()).to.equal(`${shown(earliest)} (final)`)
    expect(await page.getByLabel(`Endpoint of chain ${SECONDARY}`).inputValue()).to.equal('')
    await web.shot(page, 'verify-clocks-secondary-not-checked')
    expect(problems).to.deep.equal([])
    await page.close()
  })

  it('with an endpoint given for chain 31338 both extra clocks are checked and listed with time and finality; its full URL stays in the tab', async () => {
    const forwarder = await rpcForwarder(l1.rpcUrl)
    const chosen = `${forwarder.url}/v3/not-a-real-api-key`
    const { page, problems } = await web.open(url())
    await page.getByLabel(`Endpoint of chain ${SECONDARY}`).fill(chosen)
    await page.getByRole('button', { name: 'Use these endpoints' }).click()
    await page.waitForURL((u) => u.searchParams.get('anchors') === `${SECONDARY}:${forwarder.url}`)
    expect(await shownStatus(page)).to.equal('verified')
    expect(await clocksOf(page)).to.deep.equal([['primary', 'true'], ['l1', 'true'], ['tsa', 'true']])
    for (const name of ['primary', 'l1', 'tsa']) {
      const c = clock(name)
      expect(c.final, name).to.equal(true)
      expect(await clockText(page, name)).to.include(`${shown(c.time)} (final)`)
    }
    expect(await clockText(page, 'l1')).to.match(new RegExp(`^l1 \\(chain ${SECONDARY}\\): `))
    expect((await checksOf(page)).filter(([, ok]) => ok !== 'true')).to.deep.equal([])
    expect(await page.locator('.facts').innerText()).to.include(`later clocks' chains from chain ${SECONDARY}: ${forwarder.url}`)
    expect(forwarder.requests()).to.be.greaterThan(0)
    expect(page.url()).to.not.include('not-a-real-api-key')
    // Remembered in the tab, like the sealing chain's endpoint: a reload of the linked verdict uses it again.
    await page.reload()
    expect(await shownStatus(page)).to.equal('verified')
    expect(await page.getByLabel(`Endpoint of chain ${SECONDARY}`).inputValue()).to.equal(chosen)
    expect(await clocksOf(page)).to.deep.equal([['primary', 'true'], ['l1', 'true'], ['tsa', 'true']])
    await web.shot(page, 'verify-clocks-all-checked')
    expect(problems).to.deep.equal([])
    await page.close()
  })

  it('an endpoint of another chain given for chain 31338 is refused with a plain sentence, never used', async () => {
    const primary = web.service.trust().root.chains[0].rpc[0]
    const { page } = await web.open(url(`&anchors=${encodeURIComponent(`${SECONDARY}:${new URL(primary).origin}`)}`))
    const error = page.locator('p.error[role="alert"]')
    await error.waitFor({ timeout: 90_000 })
    expect(await error.innerText()).to.match(new RegExp(`endpoint given for chain ${SECONDARY} cannot be used: .*on chain 31337, not chain ${SECONDARY}`))
    expect(await page.locator('[data-status]').count()).to.equal(0)
    await page.close()
  })

  it('a token for another root, or from a TSA the pinned root does not trust, makes the verdict invalid, naming the clock', async () => {
    const batchRoot = new Uint8Array(Buffer.from(receipt.seal.root.slice(2), 'hex'))
    const otherRoot = batchRoot.map((b) => b ^ 0xff)
    const forOtherRoot = (await requestTimestamp(tsa.url, otherRoot)).token
    tsa.cert = 'untrusted' // a CA with the trusted CA's name but another key
    let untrusted: Uint8Array
    try {
      untrusted = (await requestTimestamp(tsa.url, batchRoot)).token
    } finally {
      tsa.cert = 'valid'
    }
    for (const [token, code] of [[forOtherRoot, 'IMPRINT_MISMATCH'], [untrusted, 'UNTRUSTED']] as const) {
      const page = await web.browser.newPage()
      await serveToken(page, writer.key, Buffer.from(token).toString('base64'))
      await page.goto(web.base + url())
      expect(await shownStatus(page), code).to.equal('invalid')
      expect(await page.locator('[data-failed]').getAttribute('data-failed')).to.equal('anchor')
      expect(await page.locator('.reason').innerText()).to.match(/^The receipt's anchor tsa does not check: the RFC 3161 token is refused/)
      // An invalid verdict lists no clocks (none counts); the failed anchor check says which and why.
      const failed = page.locator('[data-check="anchor"][data-ok="false"] .check-detail')
      expect(await failed.innerText()).to.match(new RegExp(`^tsa: the RFC 3161 token is refused \\(${code}\\)`))
      await web.shot(page, `verify-clocks-token-${code.toLowerCase()}`)
      await page.close()
    }
  })

  it('under a pinned root that names no TSA the token is "not checked", never verified by itself', async () => {
    const root = web.service.trust().root
    const noTsa: TrustRoot = { ...root, name: 'no time-stamping authority', timestampAuthorities: [] }
    const { page, problems } = await web.open('/verify')
    await page.getByLabel('Pin a trust root from a file').setInputFiles({ name: 'trust.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(noTsa)) })
    await page.locator('[data-trust-source="pinned"]').waitFor()
    await page.getByLabel('Core key').fill(writer.key)
    await page.getByLabel('Version').fill(String(BLOCKS))
    await page.getByRole('button', { name: 'Verify', exact: true }).click()
    expect(await shownStatus(page)).to.equal('verified')
    expect(await clocksOf(page)).to.deep.include(['tsa', 'null'])
    expect(await clockText(page, 'tsa')).to.equal('tsa (RFC 3161 time-stamp): not checked — the pinned trust root names no time-stamping authority tsa.')
    await page.getByRole('button', { name: 'Forget the pinned root' }).click()
    expect(problems).to.deep.equal([])
    await page.close()
  })
})

/** The service lies: every receipt of `key` it serves carries `token` as its RFC 3161 anchor. */
async function serveToken (page: Page, key: string, token: string): Promise<void> {
  await page.route(`**/v1/cores/${key}/receipts**`, async (route) => {
    const response = await route.fetch()
    const body = await response.json() as { receipts: Receipt[] }
    for (const r of body.receipts) r.anchors = r.anchors?.map((a) => (a.type === 'rfc3161' ? { ...a, token } : a))
    await route.fulfill({ response, json: body })
  })
}
