import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createFileDialog } from './file-dialog.ts'
import { createFakeCommandRunner } from './fake-command-runner.ts'

const DISPLAY = { DISPLAY: ':0' }

test('Linux uses zenity when installed, and reads one path per line', async () => {
  const runner = createFakeCommandRunner(['zenity', 'kdialog'], () => ({ code: 0, stdout: '/home/a/x.txt\n/home/a/y z.txt\n', stderr: '' }))
  const dialog = createFileDialog({ runner, platform: 'linux', env: DISPLAY })
  assert.deepEqual(await dialog.openFiles(), ['/home/a/x.txt', '/home/a/y z.txt'])
  assert.equal(runner.calls[0]?.command, 'zenity')
  assert.ok(runner.calls[0]?.args.includes('--multiple'))
})

test('Linux falls back to kdialog, and a cancelled dialog gives nothing', async () => {
  const runner = createFakeCommandRunner(['kdialog'], () => ({ code: 1, stdout: '', stderr: '' }))
  const dialog = createFileDialog({ runner, platform: 'linux', env: DISPLAY })
  assert.deepEqual(await dialog.openFiles(), [])
  assert.equal(await dialog.pickFolder(), null)
  assert.deepEqual(runner.calls.map(call => call.command), ['kdialog', 'kdialog'])
  assert.ok(runner.calls[1]?.args.includes('--getexistingdirectory'))
})

test('Linux without a display, or without a dialog program, has no dialog', async () => {
  assert.equal(await createFileDialog({ runner: createFakeCommandRunner(['zenity']), platform: 'linux', env: {} }).isAvailable(), false)
  const none = createFileDialog({ runner: createFakeCommandRunner([]), platform: 'linux', env: DISPLAY })
  assert.equal(await none.isAvailable(), false)
  await assert.rejects(none.openFiles(), { code: 'API_DIALOG_UNAVAILABLE' })
})

test('macOS asks osascript, and folder paths lose their trailing slash', async () => {
  const runner = createFakeCommandRunner(['osascript'], () => ({ code: 0, stdout: '/Users/a/Pictures/\n', stderr: '' }))
  const dialog = createFileDialog({ runner, platform: 'darwin', env: {} })
  assert.equal(await dialog.pickFolder(), '/Users/a/Pictures')
  assert.equal(runner.calls[0]?.command, 'osascript')
  assert.match(runner.calls[0]?.args.join(' ') ?? '', /choose folder/)
})

test('Windows asks PowerShell with an STA WinForms dialog and keeps a drive root', async () => {
  const runner = createFakeCommandRunner(['powershell.exe'], (_command, args) => ({ code: 0, stdout: args.join(' ').includes('FolderBrowserDialog') ? 'C:\\\r\n' : 'C:\\a.txt\r\nC:\\b.txt\r\n', stderr: '' }))
  const dialog = createFileDialog({ runner, platform: 'win32', env: {} })
  assert.deepEqual(await dialog.openFiles(), ['C:\\a.txt', 'C:\\b.txt'])
  assert.equal(await dialog.pickFolder(), 'C:\\')
  assert.ok(runner.calls[0]?.args.includes('-STA'))
  assert.match(runner.calls[0]?.args.at(-1) ?? '', /OpenFileDialog/)
})

test('a dialog that crashes is an error, not a cancel', async () => {
  const runner = createFakeCommandRunner(['zenity'], () => ({ code: 255, stdout: '', stderr: 'cannot open display' }))
  await assert.rejects(createFileDialog({ runner, platform: 'linux', env: DISPLAY }).openFiles(), /cannot open display/)
})

test('a start folder is quoted safely for AppleScript and PowerShell', async () => {
  const mac = createFakeCommandRunner(['osascript'], () => ({ code: 1, stdout: '', stderr: '' }))
  await createFileDialog({ runner: mac, platform: 'darwin', env: {} }).pickFolder('/Users/a/"x"\\y')
  assert.match(mac.calls[0]?.args[1] ?? '', /POSIX file "\/Users\/a\/\\"x\\"\\\\y"/)
  const win = createFakeCommandRunner(['powershell.exe'], () => ({ code: 1, stdout: '', stderr: '' }))
  await createFileDialog({ runner: win, platform: 'win32', env: {} }).openFiles("C:\\it's")
  assert.match(win.calls[0]?.args.at(-1) ?? '', /InitialDirectory = 'C:\\it''s'/)
})
