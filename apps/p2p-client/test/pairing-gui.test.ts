import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { peerFingerprint } from '../src/pairing/peer-fingerprint.ts'
import { startDaemon, type Daemon } from './support/daemon-fixture.ts'
import { ensureGuiBuilt, launchChromium, openPage, SCREENSHOTS_DIR, SKIP_WITHOUT_CHROMIUM } from './support/gui-fixture.ts'
import { openTestBed, type TestBed } from './support/test-bed.ts'

describe('pairing in the GUI: two real daemons, a real signal server, headless Chromium', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let bed: TestBed
  let browser: Browser
  let alice: Daemon
  let bob: Daemon
  let pageA: Page
  let pageB: Page

  const openPairing = async (page: Page) => {
    await page.getByRole('button', { name: 'Pair a device' }).click()
    const dialog = page.getByRole('dialog', { name: 'Pair a device' })
    await dialog.waitFor()
    return dialog
  }

  before(async () => {
    // The pairing screens must be in the build.
    ensureGuiBuilt({ rebuildWhenStale: true })
    await mkdir(SCREENSHOTS_DIR, { recursive: true })
    bed = await openTestBed('pairing-gui')
    ;[alice, bob] = await Promise.all([startDaemon(bed, { name: 'Alice' }), startDaemon(bed, { name: 'Bob' })])
    browser = await launchChromium()
    pageA = await openPage(browser, { width: 1100, height: 760 })
    pageB = await openPage(browser, { width: 1100, height: 760 })
    await Promise.all([pageA.goto(alice.url), pageB.goto(bob.url)])
  })

  after(async () => {
    await browser?.close()
    await bed?.close()
  })

  test('device cards show each device\'s fingerprint words', async () => {
    await pageA.getByRole('button', { name: 'Send files to Bob' }).waitFor({ timeout: 20_000 })
    assert.equal(await pageA.getByLabel('Fingerprint of Bob').innerText(), peerFingerprint(bob.peerId))
  })

  test('a mistyped code fails visibly on both devices', async () => {
    const dialogA = await openPairing(pageA)
    const code = await dialogA.getByLabel('Pairing code', { exact: true }).innerText()
    assert.match(code, /^\d{3}-\d{3}-\d{3}$/)
    assert.ok(await dialogA.getByRole('img', { name: `QR code of the pairing code ${code}` }).isVisible())
    await pageA.screenshot({ path: join(SCREENSHOTS_DIR, 'pairing-1-code.png') })
    const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10)
    const dialogB = await openPairing(pageB)
    await dialogB.getByLabel('Or enter the code the other device shows').fill(wrong)
    await dialogB.getByRole('button', { name: 'Pair', exact: true }).click()
    await dialogB.getByRole('alert').filter({ hasText: 'Pairing failed' }).waitFor({ timeout: 20_000 })
    await dialogA.getByRole('alert').filter({ hasText: 'Pairing failed' }).waitFor({ timeout: 20_000 })
    await pageB.screenshot({ path: join(SCREENSHOTS_DIR, 'pairing-2-mismatch.png') })
    await dialogA.getByRole('button', { name: 'Cancel' }).click()
    await dialogB.getByRole('button', { name: 'Cancel' }).click()
  })

  test('the right code pairs both devices, each showing the other\'s fingerprint', async () => {
    const dialogA = await openPairing(pageA)
    const code = await dialogA.getByLabel('Pairing code', { exact: true }).innerText()
    const dialogB = await openPairing(pageB)
    await dialogB.getByLabel('Or enter the code the other device shows').fill(code)
    await dialogB.getByRole('button', { name: 'Pair', exact: true }).click()
    await dialogB.getByRole('status').filter({ hasText: 'Paired with Alice' }).waitFor({ timeout: 20_000 })
    await dialogA.getByRole('status').filter({ hasText: 'Paired with Bob' }).waitFor({ timeout: 20_000 })
    assert.equal(await dialogA.getByLabel('Fingerprint of the paired device').innerText(), peerFingerprint(bob.peerId))
    assert.equal(await dialogB.getByLabel('Fingerprint of the paired device').innerText(), peerFingerprint(alice.peerId))
    await pageA.screenshot({ path: join(SCREENSHOTS_DIR, 'pairing-3-paired.png') })
    await dialogA.getByRole('button', { name: 'Done' }).click()
    await dialogB.getByRole('button', { name: 'Done' }).click()
    await pageA.getByRole('list', { name: 'Paired and blocked devices' }).getByRole('button', { name: 'Unpair Bob' }).waitFor()
    await pageA.getByRole('list', { name: 'Devices online' }).getByText('Paired').first().waitFor({ timeout: 20_000 })
  })

  test('blocking a device hides it from the devices online and lists it as blocked', async () => {
    await pageA.getByRole('button', { name: 'Block Bob' }).click()
    await pageA.getByRole('button', { name: 'Send files to Bob' }).waitFor({ state: 'detached', timeout: 20_000 })
    const unblock = pageA.getByRole('list', { name: 'Paired and blocked devices' }).getByRole('button', { name: 'Unblock Bob' })
    await unblock.waitFor()
    await pageA.screenshot({ path: join(SCREENSHOTS_DIR, 'pairing-4-blocked.png') })
    await unblock.click()
    await pageA.getByRole('button', { name: 'Send files to Bob' }).waitFor({ timeout: 20_000 })
  })
})
