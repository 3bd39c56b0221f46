import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createCommandRunner } from '../src/desktop/command-runner.ts'
import { createFileDialog, type FileDialog } from '../src/desktop/file-dialog.ts'
import { KEYCODE_RETURN, pressKey, startXvfb, type VirtualDisplay } from './support/x11-display.ts'
import { makeTempDir } from './support/test-files.ts'

const hasTools = process.platform === 'linux' && existsSync('/usr/bin/zenity') && existsSync('/usr/bin/Xvfb')

/** Presses Return every half second until the dialog answers: the window takes a moment to appear. */
async function answerWithReturn<T> (display: string, dialog: Promise<T>): Promise<T> {
  let answered = false
  const result = dialog.finally(() => { answered = true })
  const deadline = Date.now() + 20_000
  while (!answered && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 500))
    if (!answered) await pressKey(display, KEYCODE_RETURN)
  }
  return await result
}

describe('the native file dialog on Linux: real zenity under Xvfb', { skip: hasTools ? false : 'zenity and Xvfb are not installed' }, () => {
  let screen: VirtualDisplay
  let work: { path: string, cleanup: () => Promise<void> }
  let dialog: FileDialog

  before(async () => {
    screen = await startXvfb()
    work = await makeTempDir('zenity')
    // The daemon's dialogs inherit DISPLAY: here, the test's own display.
    const env = { ...process.env, DISPLAY: screen.display, NO_AT_BRIDGE: '1' }
    dialog = createFileDialog({ runner: createCommandRunner({ env }), platform: 'linux', env })
  })

  after(async () => {
    await screen?.stop()
    await work?.cleanup()
  })

  test('finds zenity and returns the file the person picked', async () => {
    assert.equal(await dialog.isAvailable(), true)
    const file = join(work.path, 'holiday photo.jpg')
    await writeFile(file, 'not really a photo')
    assert.deepEqual(await answerWithReturn(screen.display, dialog.openFiles(file)), [file])
  })

  test('returns the folder the person picked', async () => {
    const folder = join(work.path, 'Downloads here')
    await mkdir(folder)
    assert.equal(await answerWithReturn(screen.display, dialog.pickFolder(folder)), folder)
  })
})
