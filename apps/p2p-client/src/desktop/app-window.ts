import { homedir } from 'node:os'
import { posix, win32 } from 'node:path'
import type { CommandRunner } from './command-runner.ts'

export interface AppWindowOptions {
  runner: CommandRunner
  /** The window's own browser profile, so it opens as an app and not in the user's session. */
  profileDir: string
  /** @default process.platform */
  platform?: NodeJS.Platform
  /** @default process.env */
  env?: NodeJS.ProcessEnv
  /** Chromium refuses to run as root without --no-sandbox. @default process.getuid?.() === 0 */
  isRoot?: boolean
}

export interface OpenedWindow {
  /** `app`: a Chromium-family browser in --app mode; `browser`: the default browser. */
  kind: 'app' | 'browser'
  command: string
}

/** Chrome, Chromium and Edge where each platform installs them, best first. */
export function appBrowserCandidates (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Chromium.app/Contents/MacOS/Chromium',
      'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'
    ]
    return [...apps.map(app => posix.join('/Applications', app)), ...apps.map(app => posix.join(homedir(), 'Applications', app))]
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((root): root is string => root !== undefined && root !== '')
    const exes = [
      ['Google', 'Chrome', 'Application', 'chrome.exe'],
      ['Microsoft', 'Edge', 'Application', 'msedge.exe'],
      ['Chromium', 'Application', 'chrome.exe']
    ]
    return exes.flatMap(parts => roots.map(root => win32.join(root, ...parts)))
  }
  return ['google-chrome', 'google-chrome-stable', 'chromium', 'chromium-browser', 'microsoft-edge', 'microsoft-edge-stable']
}

/** The first Chromium-family browser installed, or undefined. */
export async function findAppBrowser (runner: CommandRunner, platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const candidate of appBrowserCandidates(platform, env)) {
    if (await runner.exists(candidate)) return candidate
  }
  return undefined
}

/** Arguments that open `url` as a standalone app window. */
export function appWindowArgs (url: string, profileDir: string, isRoot: boolean): string[] {
  return [
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--window-size=1024,720',
    // As root Chromium needs --no-sandbox; --test-type hides the warning bar about it.
    ...(isRoot ? ['--no-sandbox', '--test-type'] : [])
  ]
}

/** The default browser's opener for each platform. */
export function defaultBrowserCommand (url: string, platform: NodeJS.Platform): { command: string, args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [url] }
  // rundll32 takes the URL as one argument; `cmd /c start` would need quoting of & and ^.
  if (platform === 'win32') return { command: 'rundll32.exe', args: ['url.dll,FileProtocolHandler', url] }
  return { command: 'xdg-open', args: [url] }
}

/** Opens the UI: Chrome/Chromium/Edge in --app mode with its own profile, else the default browser. */
export async function openAppWindow (url: string, options: AppWindowOptions): Promise<OpenedWindow> {
  const platform = options.platform ?? process.platform
  const env = options.env ?? process.env
  const isRoot = options.isRoot ?? process.getuid?.() === 0
  const browser = await findAppBrowser(options.runner, platform, env)
  if (browser !== undefined) {
    options.runner.spawnDetached(browser, appWindowArgs(url, options.profileDir, isRoot))
    return { kind: 'app', command: browser }
  }
  const fallback = defaultBrowserCommand(url, platform)
  options.runner.spawnDetached(fallback.command, fallback.args)
  return { kind: 'browser', command: fallback.command }
}
