import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
/** Headless flags from DESIGN.md: no background traffic on a closed network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
/** The `skip` option of a GUI suite: says why on a machine without Chromium. */
export const SKIP_WITHOUT_CHROMIUM: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`
export const SCREENSHOTS_DIR = fileURLToPath(new URL('../../../../test-output/screenshots/', import.meta.url))
const GUI_DIR = fileURLToPath(new URL('../../../gui/', import.meta.url))

export async function launchChromium (): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
}

/** A page in its own browser context (own storage), so two pages act as two devices. */
export async function openPage (browser: Browser, viewport?: { width: number, height: number }): Promise<Page> {
  return await (await browser.newContext(viewport === undefined ? {} : { viewport })).newPage()
}

/** Newest modification time under `dir`, in ms. */
function newestMtimeMs (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

export interface EnsureGuiBuiltOptions {
  /** Also rebuild when a source is newer than the build (for screens the test needs to be in it). @default false */
  rebuildWhenStale?: boolean
}

/** Builds the GUI when a plain `node --test` runs before `npm run build -w @p2pft/gui`. */
export function ensureGuiBuilt (options: EnsureGuiBuiltOptions = {}): void {
  const index = join(GUI_DIR, 'dist', 'www', 'index.html')
  if (existsSync(index) && (options.rebuildWhenStale !== true || statSync(index).mtimeMs >= newestMtimeMs(join(GUI_DIR, 'src')))) return
  const vite = fileURLToPath(new URL('../../../../node_modules/vite/bin/vite.js', import.meta.url))
  const built = spawnSync(process.execPath, [vite, 'build'], { cwd: GUI_DIR, stdio: 'inherit' })
  assert.equal(built.status, 0, 'the GUI builds')
}
