import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startDaemon, type Daemon } from './support/daemon-fixture.ts'
import { ensureGuiBuilt, launchChromium, openPage, SCREENSHOTS_DIR, SKIP_WITHOUT_CHROMIUM } from './support/gui-fixture.ts'
import { openTestBed, type TestBed } from './support/test-bed.ts'
import { hashFile, writeRandomFile } from './support/test-files.ts'

const MIB = 1024 * 1024

describe('the GUI: two real daemons, a real signal server, headless Chromium', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let bed: TestBed
  let browser: Browser
  let alice: Daemon
  let bob: Daemon
  let pageA: Page
  let pageB: Page

  const screenshot = async (page: Page, name: string): Promise<void> => {
    // Transitions finished, so a bar at 100% is drawn full.
    await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true, animations: 'disabled' })
  }

  const openScreen = async (page: Page, label: string): Promise<void> => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label }).click()
  }

  before(async () => {
    ensureGuiBuilt()
    await mkdir(SCREENSHOTS_DIR, { recursive: true })
    bed = await openTestBed('gui')
    // No DISPLAY (startDaemon's default): the page must offer its own file input (the dialog has its own test).
    ;[alice, bob] = await Promise.all([startDaemon(bed, { name: 'Alice' }), startDaemon(bed, { name: 'Bob' })])
    browser = await launchChromium()
    pageA = await openPage(browser, { width: 1100, height: 720 })
    pageB = await openPage(browser, { width: 1100, height: 720 })
    await Promise.all([pageA.goto(alice.url), pageB.goto(bob.url)])
  })

  after(async () => {
    await browser?.close()
    await bed?.close()
  })

  test('the daemon prints the full URL with its token, on 127.0.0.1', () => {
    assert.match(alice.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/)
  })

  test('A sees B in the list of devices', async () => {
    await pageA.getByRole('button', { name: 'Send files to Bob' }).waitFor({ timeout: 20_000 })
    assert.ok(await pageA.getByRole('list', { name: 'Devices online' }).getByText('Same network').isVisible())
    await screenshot(pageA, '1-devices')
  })

  test('a 20 MiB file chosen in A\'s file input arrives byte-identical after B accepts, with progress and history on both sides', async () => {
    const source = join(bed.path, 'report.bin')
    await writeRandomFile(source, 20 * MIB)
    await pageA.getByLabel('Choose files to send to Bob').setInputFiles(source)

    const prompt = pageB.getByRole('dialog', { name: 'Alice wants to send you 1 file' })
    await prompt.waitFor({ timeout: 30_000 })
    const offered = prompt.getByRole('list', { name: 'Offered files' })
    assert.match(await offered.innerText(), /report\.bin\s+20\.0 MiB/)
    assert.match(await prompt.innerText(), /Total: 20\.0 MiB/)
    await screenshot(pageB, '2-offer-prompt')
    await prompt.getByRole('button', { name: 'Accept' }).click()
    await prompt.waitFor({ state: 'detached' })

    await openScreen(pageB, 'Transfers')
    const barA = pageA.getByRole('progressbar', { name: 'Progress of report.bin to Bob' })
    const barB = pageB.getByRole('progressbar', { name: 'Progress of report.bin from Alice' })
    for (const bar of [barA, barB]) {
      await bar.page().waitForFunction(element => element?.getAttribute('aria-valuenow') === '100', await bar.elementHandle(), { timeout: 60_000 })
    }
    await pageA.getByRole('listitem', { name: 'report.bin to Bob' }).getByText('Completed').waitFor()
    await pageB.getByRole('listitem', { name: 'report.bin from Alice' }).getByText('Completed').waitFor()
    await screenshot(pageA, '3-transfers-sender')
    await screenshot(pageB, '4-transfers-receiver')

    assert.deepEqual(await readdir(bob.downloads), ['report.bin'])
    assert.equal(await hashFile(join(bob.downloads, 'report.bin')), await hashFile(source))
    assert.ok(alice.process.events.some(e => e.event === 'progress' && e.direction === 'send' && e.bytes === e.total))

    for (const [page, direction, peer] of [[pageA, 'Sent', 'Bob'], [pageB, 'Received', 'Alice']] as const) {
      await openScreen(page, 'History')
      const row = page.getByRole('row').filter({ hasText: 'report.bin' })
      await row.waitFor()
      const text = await row.innerText()
      assert.match(text, new RegExp(`${direction}\\s+${peer}\\s+report\\.bin\\s+20\\.0 MiB`))
      assert.match(text, /Completed/)
    }
    await pageB.getByRole('button', { name: 'Open the folder of report.bin' }).waitFor()
    await screenshot(pageB, '5-history')
  })

  test('a declined offer tells A in plain words, and nothing is saved on B', async () => {
    const source = join(bed.path, 'unwanted.txt')
    await writeRandomFile(source, 64 * 1024)
    await openScreen(pageA, 'Devices')
    await pageA.getByLabel('Choose files to send to Bob').setInputFiles(source)
    const prompt = pageB.getByRole('dialog', { name: 'Alice wants to send you 1 file' })
    await prompt.waitFor({ timeout: 30_000 })
    await prompt.getByRole('button', { name: 'Decline' }).click()

    const row = pageA.getByRole('listitem', { name: 'unwanted.txt to Bob' })
    await row.getByRole('alert').filter({ hasText: 'Bob declined: the receiver declined the files' }).waitFor({ timeout: 20_000 })
    assert.equal(await row.getByText('Declined', { exact: true }).isVisible(), true)
    await screenshot(pageA, '6-declined-on-sender')
    assert.deepEqual(await readdir(bob.downloads), ['report.bin'])
  })

  test('settings change the name others see, and are saved', async () => {
    await openScreen(pageB, 'Settings')
    await pageB.getByLabel('Device name').fill('Bobby')
    await pageB.getByLabel('Room').fill('family')
    await pageB.getByRole('button', { name: 'Save' }).click()
    await pageB.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    await screenshot(pageB, '7-settings')
    await openScreen(pageA, 'Devices')
    await pageA.getByRole('button', { name: 'Send files to Bobby' }).waitFor({ timeout: 20_000 })
  })

  test('the theme follows the system\'s dark mode', async () => {
    await pageA.emulateMedia({ colorScheme: 'dark' })
    // A string expression: this package is type-checked without the DOM library.
    const background = await pageA.evaluate('getComputedStyle(document.documentElement).backgroundColor')
    assert.equal(background, 'rgb(22, 24, 28)')
    await openScreen(pageA, 'History')
    await pageA.getByRole('row').filter({ hasText: 'report.bin' }).waitFor()
    await screenshot(pageA, '8-history-dark')
  })
})
