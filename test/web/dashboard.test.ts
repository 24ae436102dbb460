import { expect } from 'chai'
import type { Page } from 'playwright-core'
import { appendN, childWriter, localWriter, runCleanups, type LocalWriter } from '../heads/helpers'
import { openWeb, replicaAt as waitReplica, type WebFixture } from './helpers'

/**
 * The dashboard (/) in Chromium against a real service that sealed a writer's core, then saw the
 * writer rewind it: cores, the sealer account, the timeline, incidents in words; peers only with
 * the auditor token.
 */
describe('the dashboard in a real browser', function () {
  this.timeout(300_000)
  let web: WebFixture
  let writer: LocalWriter
  let peer: string

  const replicaAt = (length: number, fork = 0): Promise<void> => waitReplica(web.service, writer.key, length, fork)

  before(async () => {
    web = await openWeb()
    writer = await localWriter()
    peer = `127.0.0.1:${writer.port}`
    await appendN(writer.core, 5)
    await web.service.watchCore(writer.key, [peer])
    await replicaAt(5)
    await web.service.sealNow()
    await writer.core.truncate(2)
    await appendN(writer.core, 4, 'rewritten')
    await replicaAt(6, 1)
    await web.service.sealNow() // records the rewind
  })
  after(runCleanups)

  /** Waits for the first load of the dashboard's data. */
  const loaded = async (page: Page): Promise<void> => {
    await page.locator(`tr[data-key="${writer.key}"]`).waitFor({ timeout: 60_000 })
  }

  it('lists the watched cores, the sealer account, the timeline and the rewind in plain words, without peers for the public', async () => {
    const { page, problems } = await web.open('/')
    await loaded(page)
    const row = await page.locator(`tr[data-key="${writer.key}"]`).innerText()
    expect(row).to.match(/6 \(fork 1\)/)
    expect(row).to.match(/live/)
    expect(await page.locator('table.cores th').allInnerTexts()).to.not.include('Peers')
    expect(await page.content()).to.not.include(peer)
    expect(await page.locator('[data-role]').getAttribute('data-role')).to.equal('public')
    const incident = page.locator(`li.incident[data-kind="rewind"][data-key="${writer.key}"]`)
    expect(await incident.innerText()).to.match(/went back: length 5 \(fork 0\) had been sealed/)
    expect(await page.locator('[data-balance]').innerText()).to.match(/ETH$/)
    expect(await page.locator('table.batches tbody tr').count()).to.be.at.least(2)
    expect(await page.locator('table.batches tbody tr').first().innerText()).to.match(/ETH/)
    expect(await page.locator('[data-timeline-summary]').innerText()).to.match(/^2 batches sealed/)
    expect(await page.locator('.chart canvas').count()).to.be.at.least(1)
    expect(await page.locator('[data-fingerprint]').getAttribute('data-fingerprint')).to.equal(web.service.trust().fingerprint)
    await web.shot(page, 'dashboard-public')
    expect(problems).to.deep.equal([])
  })

  it('with the auditor token: peer addresses, and incident evidence to download; a wrong token is refused', async () => {
    const { page, problems } = await web.open('/')
    await loaded(page)
    await page.getByLabel('Auditor or admin token').fill('not-a-token-of-this-service')
    await page.getByRole('button', { name: 'Use the token' }).click()
    await page.locator('p.error[role="alert"]').waitFor()
    expect(await page.locator('[data-role]').getAttribute('data-role')).to.equal('public')

    await page.getByLabel('Auditor or admin token').fill(web.service.auditorToken)
    await page.getByRole('button', { name: 'Use the token' }).click()
    await page.locator('[data-role="auditor"]').waitFor()
    await page.locator('td.peers', { hasText: peer }).waitFor()
    // The token is kept out of the URL.
    expect(page.url()).to.equal(`${web.base}/`)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`li.incident[data-key="${writer.key}"] button`).first().click()
    ])
    const evidence = JSON.parse(await streamText(await download.createReadStream())) as { kind: string, evidence: Record<string, unknown> }
    expect(evidence.kind).to.equal('rewind')
    expect(evidence.evidence).to.not.have.property('withheld')
    // Reports need the auditor (or admin) token, which the page sends in the header.
    await page.getByLabel('Format').selectOption('json')
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the report' }).click()])
    const signed = JSON.parse(await streamText(await report.createReadStream())) as { report: { incidents: unknown[] }, signature: unknown }
    expect(signed.report.incidents).to.have.length(1)
    expect(signed).to.have.property('signature')
    await web.shot(page, 'dashboard-auditor')
    // The wrong token's 403 is the one error the browser logs: the page showed it to the person.
    expect(problems.filter((p) => !/status of 403/.test(p))).to.deep.equal([])
  })

  it('refreshes by itself: a core watched meanwhile shows up without a reload', async () => {
    const { page, problems } = await web.open('/')
    await loaded(page)
    const other = await localWriter()
    await appendN(other.core, 1)
    await web.service.watchCore(other.key, [`127.0.0.1:${other.port}`])
    await page.locator(`tr[data-key="${other.key}"]`).waitFor({ timeout: 60_000 })
    expect(problems).to.deep.equal([])
  })

  it('labels and stale cores: found by label, a writer gone after announcing a head shows stale since when', async () => {
    const gone = await childWriter()
    await gone.send('append 3')
    await web.service.watchCore(gone.key, [`127.0.0.1:${gone.port}`], 'gone writer')
    await waitReplica(web.service, gone.key, 3)
    await web.service.sealNow()
    await gone.send('append 1') // announced: the replica takes the head, not its last block
    await waitReplica(web.service, gone.key, 4)
    await gone.exit()
    const pass = await web.service.sealNow()
    expect(pass.skipped.find((s) => s.key === gone.key)?.reason).to.match(/^stale: /)

    const { page, problems } = await web.open('/')
    await loaded(page)
    const row = page.locator(`tr[data-key="${gone.key}"]`)
    await row.waitFor()
    expect(await row.innerText()).to.match(/gone writer/).and.match(/stale since /)
    expect(await page.locator(`tr[data-key="${writer.key}"]`).innerText()).to.match(/live/)
    await page.getByLabel('Search by key or label').fill('GONE wri')
    await page.locator(`tr[data-key="${writer.key}"]`).waitFor({ state: 'detached' })
    expect(await page.locator('table.cores tbody tr').count()).to.equal(1)
    await web.shot(page, 'dashboard-stale-search')
    expect(problems).to.deep.equal([])
  })
})

async function streamText (stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) text += String(chunk)
  return text
}
