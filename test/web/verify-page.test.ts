import { expect } from 'chai'
import type { Page } from 'playwright-core'
import type { Receipt } from '../../src/seal'
import type { TrustRoot } from '../../src/trust'
import { appendN, localWriter, runCleanups, type LocalWriter } from '../heads/helpers'
import { structWriter } from '../structures/helpers'
import { checksOf, dragFile, dropFile, flippedBlock, openWeb, replicaAt as waitReplica, rpcForwarder, shownStatus, type Json, type WebFixture } from './helpers'

/**
 * /verify in Chromium against a real service (embedded anvil, a writer replicated over TCP on
 * 127.0.0.1): the page itself checks the receipts, the chain (anvil's JSON-RPC, straight from the
 * browser) and the service's replica as Hypercore upgrade proofs. States are waited for, never
 * slept on.
 */
describe('the /verify page in a real browser', function () {
  this.timeout(300_000)
  let web: WebFixture
  let writer: LocalWriter

  const replicaAt = (length: number, fork = 0): Promise<void> => waitReplica(web.service, writer.key, length, fork)
  /** A record proof as the service serves it (GET /v1/proofs/...). */
  const proofOf = async (url: string): Promise<Json> => {
    const res = await web.app.inject({ method: 'GET', url })
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as Json
  }

  before(async () => {
    web = await openWeb()
    writer = await localWriter()
    await appendN(writer.core, 4)
    await web.service.watchCore(writer.key, [`127.0.0.1:${writer.port}`])
    await replicaAt(4)
    await web.service.sealNow()
    await appendN(writer.core, 3)
    await replicaAt(7)
  })
  after(runCleanups)

  it('shows verified for a sealed version, every check passed, with no console error', async () => {
    const { page, problems } = await web.open(`/verify?key=${writer.key}&version=4`)
    expect(await shownStatus(page)).to.equal('verified')
    const checks = await checksOf(page)
    expect(checks.map(([c]) => c)).to.include.members(['signature', 'inclusion', 'trust', 'contract', 'sealed', 'block', 'transaction', 'finality', 'replica'])
    expect(checks.filter(([, ok]) => ok !== 'true')).to.deep.equal([])
    expect(await page.locator('.verdict').innerText()).to.match(/What this proves:[\s\S]*What it does not prove:/)
    // The fingerprint the page computed itself is the service's.
    expect(await page.locator('[data-fingerprint]').getAttribute('data-fingerprint')).to.equal(web.service.trust().fingerprint)
    await web.shot(page, 'verify-verified')
    expect(problems).to.deep.equal([])
  })

  it('shows pending for a version past the last seal', async () => {
    const { page, problems } = await web.open(`/verify?key=${writer.key}&version=6`)
    expect(await shownStatus(page)).to.equal('pending')
    await web.shot(page, 'verify-pending')
    expect(problems).to.deep.equal([])
  })

  it('asks from the form and puts the question in the URL, so the verdict can be linked', async () => {
    const { page, problems } = await web.open('/verify')
    await page.getByLabel('Core key').fill(writer.key)
    await page.getByLabel('Version').fill('3')
    await page.getByRole('button', { name: 'Verify', exact: true }).click()
    expect(await shownStatus(page)).to.equal('verified')
    const url = new URL(page.url())
    expect([url.pathname, url.searchParams.get('key'), url.searchParams.get('version')]).to.deep.equal(['/verify', writer.key, '3'])
    expect(problems).to.deep.equal([])
  })

  it('shows invalid, naming the replica check, when the service answers a tampered proof', async () => {
    const page = await web.browser.newPage()
    onTamper(page)
    await page.goto(`${web.base}/verify?key=${writer.key}&version=4`)
    expect(await shownStatus(page)).to.equal('invalid')
    expect(await page.locator('[data-failed]').getAttribute('data-failed')).to.equal('replica')
    // The proof does not fold into a head the writer signed: the replica could not be checked.
    expect(await checksOf(page)).to.deep.include(['replica', 'null'])
    expect(await page.locator('.reason').innerText()).to.match(/cannot be trusted/)
    await web.shot(page, 'verify-invalid-tampered-proof')
    await page.close()
  })

  it('tries again after Retry-After when the service is at its cap on expensive requests (503 BUSY)', async () => {
    const { page, problems } = await web.open('/verify')
    let busy = 0
    await page.route(`**/v1/cores/${writer.key}/proofs**`, async (route) => {
      if (busy++ > 0) return await route.continue()
      await route.fulfill({ status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: JSON.stringify({ error: { code: 'BUSY', message: 'busy' } }) })
    })
    await page.goto(`${web.base}/verify?key=${writer.key}&version=4`)
    expect(await shownStatus(page)).to.equal('verified')
    expect(busy).to.be.at.least(2)
    // The one BUSY answer is the only thing the browser logs.
    expect(problems.filter((p) => !/status of 503/.test(p))).to.deep.equal([])
    await page.close()
  })

  it('verifies a dropped receipt file (what `hyperseal receipts export` writes)', async () => {
    const receipts = (await web.app.inject({ method: 'GET', url: `/v1/cores/${writer.key}/receipts` })).json() as { receipts: Receipt[] }
    const { page, problems } = await web.open('/verify')
    await page.locator('[data-trust-source]').waitFor() // the page has read the trust root
    await page.getByLabel('Or a receipt file').setInputFiles({ name: 'receipts.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(receipts)) })
    expect(await shownStatus(page)).to.equal('verified')
    expect(await page.getByLabel('Version').inputValue()).to.equal('4')
    expect(problems).to.deep.equal([])
  })

  it('a pinned trust root decides: the service\'s own contract is refused under a root that names another', async () => {
    const root = web.service.trust().root
    const other: TrustRoot = { ...root, name: 'another deployment', chains: root.chains.map((c) => ({ ...c, contracts: [{ ...c.contracts[0], address: '0x' + '12'.repeat(20) }] })) }
    const { page, problems } = await web.open('/verify')
    await page.getByLabel('Pin a trust root from a file').setInputFiles({ name: 'trust.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) })
    await page.locator('[data-trust-source="pinned"]').waitFor()
    expect(await page.locator('[data-trust-source]').innerText()).to.match(/different root/)
    await page.getByLabel('Core key').fill(writer.key)
    await page.getByLabel('Version').fill('4')
    await page.getByRole('button', { name: 'Verify', exact: true }).click()
    expect(await shownStatus(page)).to.equal('invalid')
    expect(await page.locator('[data-failed]').getAttribute('data-failed')).to.equal('trust')
    await web.shot(page, 'verify-pinned-other-root')
    // Forgetting the pinned root brings back the service's.
    await page.getByRole('button', { name: 'Forget the pinned root' }).click()
    await page.locator('[data-trust-source="service"]').waitFor()
    expect(problems).to.deep.equal([])
  })

  it('reads the chain from an RPC the person picks: its origin in the page URL (and policy), its full URL never', async () => {
    const forwarder = await rpcForwarder(web.service.trust().root.chains[0].rpc[0])
    const chosen = `${forwarder.url}/v3/not-a-real-api-key`
    const { page, problems } = await web.open(`/verify?key=${writer.key}&version=4`)
    expect(await shownStatus(page)).to.equal('verified')
    await page.getByLabel('JSON-RPC URL').fill(chosen)
    await page.getByRole('button', { name: 'Use this endpoint' }).click()
    await page.waitForURL((url) => url.searchParams.get('rpc') === forwarder.url)
    expect(await shownStatus(page)).to.equal('verified')
    expect(page.url()).to.not.include('not-a-real-api-key')
    expect(await page.locator('.facts').innerText()).to.include(`chain answers from ${forwarder.url}`)
    expect(await page.getByLabel('JSON-RPC URL').inputValue()).to.equal(chosen)
    expect(forwarder.requests()).to.be.greaterThan(0)
    expect(problems).to.deep.equal([])
  })

  it('works from the keyboard alone, and labels every control', async () => {
    const { page, problems } = await web.open('/verify')
    await page.locator('[data-trust-source]').waitFor() // the page has read the trust root
    // (Runs in the page: a control's `labels`, a button's text.)
    const unlabelled = await page.locator('input, select, button').evaluateAll((els) =>
      els.filter((e) => {
        if (e.tagName === 'BUTTON') return (e.textContent ?? '').trim() === ''
        return ((e as unknown as { labels: { length: number } }).labels).length === 0
      }).map((e) => e.outerHTML))
    expect(unlabelled).to.deep.equal([])
    // From the top: the skip link, the header's links, then the key.
    const focused = (): Promise<string> => page.evaluate('document.activeElement ? document.activeElement.id : ""')
    for (let i = 0; i < 8 && await focused() !== 'key'; i++) await page.keyboard.press('Tab')
    expect(await focused()).to.equal('key')
    await page.keyboard.type(writer.key)
    await page.keyboard.press('Tab')
    await page.keyboard.type('2')
    await page.keyboard.press('Enter')
    expect(await shownStatus(page)).to.equal('verified')
    expect(problems).to.deep.equal([])
  })

  it('a dropped record proof of a block is PROVEN in the browser, the block described, every check passed, nothing asked of the service', async () => {
    const proof = await proofOf(`/v1/proofs/${writer.key}/2`)
    const { page, problems } = await web.open('/verify')
    const asked: string[] = []
    page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/v1/')) asked.push(r.url()) })
    await page.locator('[data-trust-source]').waitFor()
    asked.length = 0 // from here on, only what checking the proof asks
    expect(await dropFile(page, 'block-2.proof.json', proof)).to.equal('proven')
    expect(await page.locator('.verdict-word').innerText()).to.match(/proven/i)
    expect(await page.locator('.proven-record').innerText()).to.equal(`Block 2 of core ${writer.key}, 7 bytes`)
    expect(await page.locator('.proven-content').innerText()).to.equal('"block-2"')
    expect(await page.locator('.reason').innerText()).to.match(/^Block 2 of core [0-9a-f]{16}… \(7 bytes\) existed, with these bytes, no later than /)
    const checks = await checksOf(page)
    expect(checks.map(([c]) => c)).to.include.members(['proof', 'signature', 'inclusion', 'trust', 'contract', 'sealed', 'block', 'transaction', 'finality', 'tree', 'record'])
    expect(checks.filter(([, ok]) => ok !== 'true')).to.deep.equal([])
    const receipt = (proof.parts as Array<{ receipt: Receipt }>)[0].receipt
    const seal = await page.locator('[data-part-seal="core"]').innerText()
    expect(seal).to.include(`sealed at length 4, ${new Date(receipt.seal.timestamp * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`)
    expect(seal).to.include(`on chain ${receipt.seal.chainId}`)
    expect(asked).to.deep.equal([])
    await web.shot(page, 'verify-proof-block-proven')
    expect(problems).to.deep.equal([])
  })

  it('the same record proof with one byte of its block flipped, dragged onto the page, is INVALID, naming the tree check', async () => {
    const proof = flippedBlock(await proofOf(`/v1/proofs/${writer.key}/2`))
    const { page, problems } = await web.open('/verify')
    expect(await dragFile(page, 'tampered.proof.json', proof)).to.equal('invalid')
    expect(await page.locator('.verdict-word').innerText()).to.match(/invalid/i)
    expect(await page.locator('[data-failed]').getAttribute('data-failed')).to.equal('tree')
    expect(await page.locator('.failed-check').innerText()).to.include('The proven blocks are in the sealed Hypercore tree')
    expect(await page.locator('[data-code]').getAttribute('data-code')).to.equal('TREE_MISMATCH')
    // The seal itself held; only the block does not fold into the sealed tree.
    const checks = await checksOf(page)
    expect(checks.filter(([, ok]) => ok === 'false')).to.deep.equal([['tree', 'false']])
    expect(checks).to.deep.include(['signature', 'true'])
    await web.shot(page, 'verify-proof-tampered-block')
    expect(problems).to.deep.equal([])
  })

  it('a record proof checked under another trust root (another contract pinned) is INVALID at the trust check', async () => {
    const proof = await proofOf(`/v1/proofs/${writer.key}/1`)
    const root = web.service.trust().root
    const other: TrustRoot = { ...root, name: 'another deployment', chains: root.chains.map((c) => ({ ...c, contracts: [{ ...c.contracts[0], address: '0x' + '12'.repeat(20) }] })) }
    const { page, problems } = await web.open('/verify')
    await page.getByLabel('Pin a trust root from a file').setInputFiles({ name: 'trust.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) })
    await page.locator('[data-trust-source="pinned"]').waitFor()
    expect(await dropFile(page, 'block-1.proof.json', proof)).to.equal('invalid')
    expect(await page.locator('[data-failed]').getAttribute('data-failed')).to.equal('trust')
    expect(await page.locator('[data-code]').getAttribute('data-code')).to.equal('BAD_SEAL')
    expect(await page.locator('.facts').innerText()).to.include('another deployment')
    await page.getByRole('button', { name: 'Forget the pinned root' }).click()
    await page.locator('[data-trust-source="service"]').waitFor()
    expect(problems).to.deep.equal([])
  })

  it('a file that says it is a record proof but is not a valid one is INVALID at the proof check', async () => {
    const proof = await proofOf(`/v1/proofs/${writer.key}/1`)
    const { page, problems } = await web.open('/verify')
    expect(await dropFile(page, 'bad.proof.json', { ...proof, v: 2 })).to.equal('invalid')
    expect(await page.locator('[data-failed]').getAttribute('data-failed')).to.equal('proof')
    expect(problems).to.deep.equal([])
  })

  it('a dropped record proof of a Hyperbee entry is PROVEN with the entry, its version and its value', async () => {
    const bee = await structWriter('bee')
    await bee.run({ cmd: 'bee-put', key: 'greeting', value: 'hello, auditor' })
    const put = await bee.run({ cmd: 'bee-put', key: 'other', value: 'x' })
    await web.service.watchCore(bee.key, [bee.peer])
    await waitReplica(web.service, bee.key, put.version)
    await web.service.sealNow()
    const proof = await proofOf(`/v1/proofs/${bee.key}?entry=greeting&version=${put.version}`)
    const { page, problems } = await web.open('/verify')
    expect(await dropFile(page, 'entry.proof.json', proof)).to.equal('proven')
    expect(await page.locator('[data-proof-type]').getAttribute('data-proof-type')).to.equal('hyperbee-entry')
    expect(await page.locator('.proven-record').innerText()).to.equal(`Hyperbee entry "greeting" at version ${put.version} of ${bee.key}, a value of 14 bytes`)
    expect(await page.locator('.proven-content').innerText()).to.equal('"hello, auditor"')
    expect((await checksOf(page)).filter(([, ok]) => ok !== 'true')).to.deep.equal([])
    await web.shot(page, 'verify-proof-bee-entry-proven')
    expect(problems).to.deep.equal([])
  })
  it('shows rewind after the writer really rewinds the sealed history', async () => {
    await writer.core.truncate(2)
    await appendN(writer.core, 4, 'rewritten')
    await replicaAt(6, 1)
    await web.service.sealNow() // records the rewind incident with both signed heads
    const { page, problems } = await web.open(`/verify?key=${writer.key}&version=4`)
    expect(await shownStatus(page)).to.equal('rewind')
    expect(await checksOf(page)).to.deep.include(['incidents', 'true'])
    await web.shot(page, 'verify-rewind')
    expect(problems).to.deep.equal([])
  })
})

/** The service lies: one node hash of every upgrade proof it answers is changed on the way. */
function onTamper (page: Page): void {
  void page.route('**/v1/cores/*/proofs?lengths=*', async (route) => {
    const response = await route.fetch()
    const body = await response.json() as { proofs: Record<string, { upgrade: { nodes: Array<{ hash: string }> } }> }
    for (const proof of Object.values(body.proofs)) {
      const node = proof.upgrade.nodes[0]
      node.hash = (node.hash[0] === '0' ? '1' : '0') + node.hash.slice(1)
    }
    await route.fulfill({ response, json: body })
  })
}
