import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { Stats } from 'node:fs'
import type { Logger } from 'pino'
import { AppError, MAX_FILES, type ManifestEntry } from '@p2pft/protocol'
import { MANIFEST_STATS_AT_ONCE } from './constants.ts'

export interface Manifest {
  entries: ManifestEntry[]
  /** Absolute source path of each entry, by index. */
  sources: string[]
  totalBytes: number
}

export interface BuildManifestOptions {
  /** Told about what is skipped (symlinks, sockets...). @default silent */
  log?: Logger
}

function describe (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

async function lstatEntry (source: string): Promise<Stats> {
  try {
    return await lstat(source)
  } catch (err) {
    throw new AppError('TRANSFER_READ_FAILED', `cannot read ${source}: ${describe(err)}`, { cause: err })
  }
}

/**
 * Builds the manifest from the user's paths. A chosen file becomes its base name; a
 * chosen folder becomes a folder entry followed by everything under it (folders before
 * their contents, names sorted, empty files and folders kept). Symlinks inside folders
 * are skipped, never followed, so nothing outside the chosen folder is sent; a path the
 * user chose explicitly is followed, since choosing it is consent.
 */
export async function buildManifest (paths: string[], options: BuildManifestOptions = {}): Promise<Manifest> {
  const manifest: Manifest = { entries: [], sources: [], totalBytes: 0 }
  const chosenNames = new Set<string>()

  const add = (entry: ManifestEntry, source: string): void => {
    if (manifest.entries.length >= MAX_FILES) {
      throw new AppError('TRANSFER_TOO_MANY_FILES', `more than ${MAX_FILES} files and folders chosen`)
    }
    manifest.entries.push(entry)
    manifest.sources.push(source)
    manifest.totalBytes += entry.size
  }

  const walk = async (folder: string, prefix: string): Promise<void> => {
    let names: string[]
    try {
      names = (await readdir(folder)).sort()
    } catch (err) {
      throw new AppError('TRANSFER_READ_FAILED', `cannot list folder ${folder}: ${describe(err)}`, { cause: err })
    }
    // A batch of lstats at a time, added in name order: a folder of thousands of small
    // files waits for one disk round trip per batch, not one per file.
    for (let start = 0; start < names.length; start += MANIFEST_STATS_AT_ONCE) {
      const batch = await Promise.all(names.slice(start, start + MANIFEST_STATS_AT_ONCE).map(async name => {
        const source = join(folder, name)
        return { name, source, stats: await lstatEntry(source) }
      }))
      for (const { name, source, stats } of batch) {
        const path = `${prefix}/${name}`
        if (stats.isDirectory()) {
          add({ path, kind: 'directory', size: 0, mtimeMs: stats.mtimeMs }, source)
          await walk(source, path)
        } else if (stats.isFile()) {
          add({ path, kind: 'file', size: stats.size, mtimeMs: stats.mtimeMs }, source)
        } else {
          options.log?.warn({ source, symlink: stats.isSymbolicLink() }, 'skipped: not a regular file or folder')
        }
      }
    }
  }

  for (const chosen of paths) {
    const name = basename(resolve(chosen))
    let source: string
    let stats: Stats
    try {
      // The real path, so the reader can refuse symlinks (O_NOFOLLOW) even where the user chose one.
      source = await realpath(chosen)
      stats = await stat(source)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new AppError('TRANSFER_SOURCE_NOT_FOUND', `${chosen} does not exist`, { cause: err })
      throw new AppError('TRANSFER_READ_FAILED', `cannot read ${chosen}: ${describe(err)}`, { cause: err })
    }
    if (chosenNames.has(name)) throw new AppError('TRANSFER_DUPLICATE_PATH', `two chosen paths are named ${name}`)
    chosenNames.add(name)
    if (stats.isDirectory()) {
      add({ path: name, kind: 'directory', size: 0, mtimeMs: stats.mtimeMs }, source)
      await walk(source, name)
    } else if (stats.isFile()) {
      add({ path: name, kind: 'file', size: stats.size, mtimeMs: stats.mtimeMs }, source)
    } else {
      throw new AppError('TRANSFER_READ_FAILED', `${chosen} is not a regular file or folder`)
    }
  }
  return manifest
}
