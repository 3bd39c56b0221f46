import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startDaemon } from './support/daemon-fixture.ts'
import { launchChromium, openPage, SKIP_WITHOUT_CHROMIUM } from './support/gui-fixture.ts'
import { openTestBed, type TestBed } from './support/test-bed.ts'
import { describeTree, hashFile, writeNestedFolder, writeRandomFile } from './support/test-files.ts'

describe('sending from the GUI: the system dialog and a dropped folder', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let bed: TestBed
  let browser: Browser
  let page: Page
  let picked: string
  let dialogLog: string

  before(async () => {
    bed = await openTestBed('gui-send')
    // The system dialog, stubbed: a `zenity` first in PATH that "picks" one file and notes how it was asked.
    const bin = join(bed.path, 'bin')
    await mkdir(bin)
    picked = join(bed.path, 'picked file.bin')
    dialogLog = join(bed.path, 'dialog-args.txt')
    await writeFile(join(bin, 'zenity'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${dialogLog}'\nprintf '%s\\n' '${picked}'\n`)
    await chmod(join(bin, 'zenity'), 0o755)

    const [alice] = await Promise.all([
      startDaemon(bed, { name: 'Alice', env: { DISPLAY: ':99', PATH: `${bin}:${process.env.PATH ?? ''}` } }),
      startDaemon(bed, { name: 'Bob', extraArgs: ['--auto-accept'] })
    ])
    browser = await launchChromium()
    page = await openPage(browser)
    await page.goto(alice.url)
    await page.getByRole('button', { name: 'Send files to Bob' }).waitFor({ timeout: 20_000 })
  })

  after(async () => {
    await browser?.close()
    await bed?.close()
  })

  test('clicking a device opens the system file dialog, and the file picked there is sent', async () => {
    await writeRandomFile(picked, 3 * 1024 * 1024)
    await page.getByRole('button', { name: 'Send files to Bob' }).click()
    await page.getByRole('listitem', { name: 'picked file.bin to Bob' }).getByText('Completed').waitFor({ timeout: 60_000 })
    assert.match(await readFile(dialogLog, 'utf8'), /^--file-selection\n--multiple\n/)
    assert.equal(await hashFile(join(bed.path, 'Bob-downloads', 'picked file.bin')), await hashFile(picked))
  })

  test('a folder dropped on a device arrives with its whole tree (nested, unicode, empty file)', async () => {
    const folder = join(bed.path, 'drop', 'holiday')
    await writeNestedFolder(folder)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Devices' }).click()
    const card = page.getByRole('listitem', { name: 'Bob' })
    const box = await card.boundingBox()
    assert.ok(box !== null)
    // A real drag from the desktop: Chromium builds the drop's entries (folders included) from these paths.
    const cdp = await page.context().newCDPSession(page)
    const data = { items: [], files: [folder], dragOperationsMask: 1 }
    const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data })
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Transfers' }).click()
    await page.getByRole('listitem', { name: 'holiday to Bob' }).getByText('Completed').waitFor({ timeout: 60_000 })
    const sent = await describeTree(folder)
    const received = await describeTree(join(bed.path, 'Bob-downloads', 'holiday'))
    // Folders come as the files in them: an empty folder has nothing to upload.
    const files = (tree: Map<string, string>): Array<[string, string]> => [...tree.entries()].filter(([, value]) => value !== 'dir').sort()
    assert.deepEqual(files(received), files(sent))
  })
})
