import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appBrowserCandidates, openAppWindow } from './app-window.ts'
import { createFakeCommandRunner } from './fake-command-runner.ts'
import { openFolder } from './open-folder.ts'

const URL = 'http://127.0.0.1:4000/#token=abc'

test('opens Chromium in app mode with its own profile, and no sandbox as root', async () => {
  const runner = createFakeCommandRunner(['chromium'])
  const opened = await openAppWindow(URL, { runner, profileDir: '/data/browser-profile', platform: 'linux', env: {}, isRoot: true })
  assert.deepEqual(opened, { kind: 'app', command: 'chromium' })
  const call = runner.calls[0]
  assert.equal(call?.detached, true)
  assert.ok(call?.args.includes(`--app=${URL}`))
  assert.ok(call?.args.includes('--user-data-dir=/data/browser-profile'))
  assert.ok(call?.args.includes('--no-sandbox'))
})

test('prefers Chrome over Edge, and keeps the sandbox for normal users', async () => {
  const runner = createFakeCommandRunner(['microsoft-edge', 'google-chrome'])
  await openAppWindow(URL, { runner, profileDir: '/p', platform: 'linux', env: {}, isRoot: false })
  assert.equal(runner.calls[0]?.command, 'google-chrome')
  assert.ok(!(runner.calls[0]?.args.includes('--no-sandbox') ?? true))
})

test('falls back to the default browser on each platform', async () => {
  for (const [platform, command] of [['linux', 'xdg-open'], ['darwin', 'open'], ['win32', 'rundll32.exe']] as const) {
    const runner = createFakeCommandRunner([])
    const opened = await openAppWindow(URL, { runner, profileDir: '/p', platform, env: {}, isRoot: false })
    assert.deepEqual(opened, { kind: 'browser', command })
    assert.equal(runner.calls[0]?.args.at(-1), URL)
  }
})

test('knows where macOS and Windows install Chrome and Edge', () => {
  assert.ok(appBrowserCandidates('darwin').includes('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'))
  const windows = appBrowserCandidates('win32', { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' })
  assert.ok(windows.includes('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'))
  assert.ok(windows.includes('C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'))
})

test('opens a folder with the platform\'s file manager', () => {
  const runner = createFakeCommandRunner([])
  openFolder('/home/a/Downloads', runner, 'linux')
  openFolder('C:\\Users\\a\\Downloads', runner, 'win32')
  assert.deepEqual(runner.calls.map(call => [call.command, call.args[0]]), [['xdg-open', '/home/a/Downloads'], ['explorer.exe', 'C:\\Users\\a\\Downloads']])
})
