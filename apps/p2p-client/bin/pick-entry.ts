import { readFileSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** In the build's folder: every file the bundle was made from, as it was then. */
export const BUILD_STAMP_FILE = 'build-stamp.json'
export const BUNDLED_MAIN_FILE = 'main.js'

export interface BuildStamp {
  version: 1
  /**
   * Paths relative to the build's folder; a file whose ctime or size differs makes the bundle
   * stale. The ctime, not the mtime: unpacking a package or a copy may set a file's mtime to an
   * older one, while any write or replacement sets its ctime to the present, which no tool sets back.
   */
  sources: Array<{ path: string, ctimeMs: number, size: number }>
  /** The build's chunk files beside the entry (for the next build, which keeps them for processes still running). */
  files: string[]
}

const PACKAGE_DIR = new URL('..', import.meta.url)
const DEFAULT_BUILD_DIR = join(fileURLToPath(PACKAGE_DIR), 'dist', 'cli')
const SOURCE_MAIN = new URL('src/cli/main.ts', PACKAGE_DIR).href

/**
 * Which CLI to run: the bundle in `buildDir` (scripts/build-cli.ts) when every file it was built
 * from is unchanged, else the TypeScript sources. So an edit, a checkout or a new install is never
 * hidden behind an older bundle, and a missing or damaged build only costs start-up time.
 */
export function pickEntry (buildDir: string = DEFAULT_BUILD_DIR): { url: string, bundled: boolean } {
  const sources = readBuildStamp(join(buildDir, BUILD_STAMP_FILE))?.sources ?? []
  const isFresh = sources.length > 0 && sources.every(source => {
    const now = statSync(resolve(buildDir, source.path), { throwIfNoEntry: false })
    return now !== undefined && now.ctimeMs === source.ctimeMs && now.size === source.size
  })
  return isFresh ? { url: pathToFileURL(join(buildDir, BUNDLED_MAIN_FILE)).href, bundled: true } : { url: SOURCE_MAIN, bundled: false }
}

/**
 * The stamp our own build wrote, checked field by field rather than through a schema library:
 * this runs before every command. Sources that are not all well-formed read as none (the bundle
 * then counts as stale); chunk names that are not plain file names are left out (the next build
 * deletes what the stamp does not list, and must never reach outside the build's folder).
 */
export function readBuildStamp (file: string): BuildStamp | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || !('version' in parsed) || parsed.version !== 1) return undefined
  const isSource = (item: unknown): item is BuildStamp['sources'][number] =>
    typeof item === 'object' && item !== null &&
    'path' in item && typeof item.path === 'string' && item.path !== '' &&
    'ctimeMs' in item && typeof item.ctimeMs === 'number' &&
    'size' in item && typeof item.size === 'number'
  const sources: unknown = 'sources' in parsed ? parsed.sources : undefined
  const files: unknown = 'files' in parsed ? parsed.files : undefined
  return {
    version: 1,
    sources: Array.isArray(sources) && sources.every(isSource) ? sources : [],
    files: Array.isArray(files) ? files.filter((name): name is string => typeof name === 'string' && basename(name) === name) : []
  }
}
