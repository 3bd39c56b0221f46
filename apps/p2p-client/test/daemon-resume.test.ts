import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { DaemonClient } from '@p2pft/daemon-client'
import type { TransferView } from '@p2pft/protocol'
import { startDaemon, waitForPeerId } from './support/daemon-fixture.ts'
import { launchChromium, openPage, SCREENSHOTS_DIR, SKIP_WITHOUT_CHROMIUM } from './support/gui-fixture.ts'
import { openTestBed, type TestBed } from './support/test-bed.ts'
import { hashFile, writeRandomFile } from './support/test-files.ts'

const MIB = 1024 * 1024
const FILE_BYTES = 512 * MIB

/** Waits until the daemon's transfer `id` matches, recording every status it passed through. */
async function waitForTransfer (api: DaemonClient, id: string, seen: string[], done: (view: TransferView) => boolean, timeoutMs = 120_000): Promise<TransferView> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { subscription.close(); reject(new Error(`timed out; statuses seen: ${seen.join(' → ')}`)) }, timeoutMs)
    const subscription = api.events({
      onMessage: (message) => {
        if (message.event !== 'state') return
        const view = message.state.transfers.find(transfer => transfer.id === id)
        if (view === undefined) return
        if (seen.at(-1) !== view.status) seen.push(view.status)
        if (done(view)) { clearTimeout(timer); subscription.close(); resolve(view) }
      }
    })
  })
}

describe('the daemon resumes its sends: after the receiver comes back by itself, after its own restart with Resume', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let bed: TestBed
  let browser: Browser
  let page: Page

  const openTransfers = async (): Promise<void> => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Transfers' }).click()
  }

  before(async () => {
    bed = await openTestBed('daemon-resume')
    browser = await launchChromium()
    page = await openPage(browser)
  })

  after(async () => {
    await browser?.close()
    await bed?.close('SIGKILL')
  })

  test('receiver killed mid-transfer and restarted with the same data dir: the send goes paused → transferring → completed by itself, file intact', async () => {
    const source = join(bed.path, 'big.bin')
    await writeRandomFile(source, FILE_BYTES)
    const alice = await startDaemon(bed, { name: 'Alice' })
    let bob = await startDaemon(bed, { name: 'Bob', extraArgs: ['--auto-accept'] })
    const bobId = await waitForPeerId(alice.api, 'Bob')
    await page.goto(alice.url)

    const { id } = await alice.api.send(bobId, [source])
    const seen: string[] = []
    const finished = waitForTransfer(alice.api, id, seen, view => view.status === 'completed' || view.status === 'failed' || view.status === 'cancelled', 180_000)
    await bob.process.waitFor(e => e.event === 'progress' && Number(e.bytes) >= 32 * MIB, 60_000)
    bob.process.child.kill('SIGKILL')
    await bob.process.exited

    await openTransfers()
    const row = page.getByRole('listitem', { name: 'big.bin to Bob' })
    await row.getByText('Paused — waiting for Bob').waitFor({ timeout: 30_000 })
    await mkdir(SCREENSHOTS_DIR, { recursive: true })
    await page.screenshot({ path: join(SCREENSHOTS_DIR, '9-transfers-paused.png'), fullPage: true, animations: 'disabled' })
    assert.equal(await row.getByRole('button', { name: 'Cancel big.bin to Bob' }).isVisible(), true, 'a paused send can be cancelled')

    bob = await startDaemon(bed, { name: 'Bob', extraArgs: ['--auto-accept'] })
    const view = await finished
    assert.equal(view.status, 'completed', `statuses: ${seen.join(' → ')}; ${JSON.stringify(view.error)}`)
    const paused = seen.indexOf('paused')
    assert.ok(paused >= 0 && seen.indexOf('transferring', paused) > paused, `statuses: ${seen.join(' → ')}`)
    await row.getByText('Completed', { exact: true }).waitFor()
    assert.equal(await hashFile(join(bed.path, 'Bob-downloads', 'big.bin')), await hashFile(source))
    assert.deepEqual(await readdir(join(bed.path, 'Bob-downloads')), ['big.bin'])
    await alice.process.stop()
    await bob.process.stop()
  })

  test('sender daemon killed mid-transfer: after its restart the send is listed as stopped, and Resume in the GUI completes it', async () => {
    const source = join(bed.path, 'second.bin')
    await writeRandomFile(source, FILE_BYTES)
    let alice = await startDaemon(bed, { name: 'Alice' })
    const bob = await startDaemon(bed, { name: 'Bob', extraArgs: ['--auto-accept'] })
    const bobId = await waitForPeerId(alice.api, 'Bob')
    const { id } = await alice.api.send(bobId, [source])
    await bob.process.waitFor(e => e.event === 'progress' && e.transferId !== undefined && Number(e.bytes) >= 32 * MIB && alice.process.events.some(a => a.event === 'accepted' && a.transferId === e.transferId), 60_000)
    alice.process.child.kill('SIGKILL')
    await alice.process.exited

    alice = await startDaemon(bed, { name: 'Alice' })
    await waitForPeerId(alice.api, 'Bob')
    const restored = (await alice.api.state()).transfers.find(transfer => transfer.id === id)
    assert.equal(restored?.resumable, true)
    assert.equal(restored?.error?.code, 'TRANSFER_INTERRUPTED')

    await page.goto(alice.url)
    await openTransfers()
    const row = page.getByRole('listitem', { name: 'second.bin to Bob' })
    await row.getByText('Stopped', { exact: true }).waitFor({ timeout: 20_000 })
    await page.screenshot({ path: join(SCREENSHOTS_DIR, '10-transfers-resume.png'), fullPage: true, animations: 'disabled' })
    const seen: string[] = []
    const finished = waitForTransfer(alice.api, id, seen, view => view.status === 'completed' || (view.status === 'failed' && seen.length > 1))
    await row.getByRole('button', { name: 'Resume second.bin to Bob' }).click()
    const view = await finished
    assert.equal(view.status, 'completed', `statuses: ${seen.join(' → ')}; ${JSON.stringify(view.error)}`)
    await row.getByText('Completed', { exact: true }).waitFor()
    assert.equal(await hashFile(join(bed.path, 'Bob-downloads', 'second.bin')), await hashFile(source))
    assert.deepEqual((await readdir(join(bed.path, 'Bob-downloads'))).sort(), ['big.bin', 'second.bin'])
    const received = await bob.process.waitFor(e => e.event === 'done' && e.direction === 'receive' && bob.process.events.some(o => o.event === 'offer' && o.transferId === e.transferId && JSON.stringify(o.files).includes('second.bin')))
    assert.equal(received.files, 1)
  })
})
