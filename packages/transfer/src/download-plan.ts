import { lstat, mkdir, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { AppError, type ManifestEntry } from '@p2pft/protocol'
import { assertInsideRoot } from './assert-inside-root.ts'
import { MAX_NAME_ATTEMPTS, PART_SUFFIX } from './constants.ts'
import { toDiskError } from './disk-error.ts'
import { fitName, toNameKey, toNumberedName, toSafeName } from './safe-name.ts'

export interface DownloadTarget {
  /** Where the entry lands, relative to the download folder, `/` separators. */
  relativePath: string
  /** Its folder, relative to the download folder ('' for the folder itself). */
  relativeDir: string
  /** Its name on disk (a file may still get a numbered name if this one is taken when it is saved). */
  name: string
}

export interface DownloadPlan {
  /** One target per offer entry, by index. */
  targets: DownloadTarget[]
  /** Absolute folders this transfer created, parents first, so a failure can remove the empty ones. */
  createdDirs: string[]
}

export interface PlanDownloadDeps {
  log: Logger
}

export interface PlanDownloadOptions {
  /** Real path of the download folder. */
  root: string
  /** A validated offer's entries. */
  entries: ManifestEntry[]
}

function isTaken (err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'EEXIST'
}

async function exists (path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** The absolute path of a `/`-separated path relative to `root`. */
export function toAbsolute (root: string, relativePath: string): string {
  return relativePath === '' ? root : join(root, ...relativePath.split('/'))
}

/**
 * Chooses where each entry of an accepted offer lands and creates its folders. Each
 * top-level name is decided once: if it (or its .part) exists, `name (1).ext`,
 * `folder (1)`... so a folder never merges into an existing one and no file is
 * overwritten. Top-level folders are claimed with an exclusive mkdir, which settles races
 * with other writers. Entries that differ only in case share one folder, as they would on
 * a case-insensitive disk.
 */
export async function planDownload (deps: PlanDownloadDeps, options: PlanDownloadOptions): Promise<DownloadPlan> {
  const { root, entries } = options
  const createdDirs: string[] = []
  const claimedTops = new Set<string>()
  const topByKey = new Map<string, string>()
  const dirByKey = new Map<string, string>()

  const claim = (candidate: string): boolean => {
    const key = candidate.normalize('NFC').toLowerCase()
    if (claimedTops.has(key)) return false
    claimedTops.add(key)
    return true
  }

  const claimTopDir = async (name: string): Promise<string> => {
    for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
      const candidate = toNumberedName(name, n, 'directory')
      if (claimedTops.has(candidate.normalize('NFC').toLowerCase())) continue
      if (await exists(join(root, fitName(candidate, PART_SUFFIX)))) continue
      try {
        await mkdir(join(root, candidate))
      } catch (err) {
        if (isTaken(err)) continue
        throw err
      }
      createdDirs.push(join(root, candidate))
      claim(candidate)
      return candidate
    }
    throw new AppError('TRANSFER_WRITE_FAILED', `no free name for folder ${name}`)
  }

  const chooseTopFile = async (name: string): Promise<string> => {
    for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
      const candidate = toNumberedName(name, n, 'file')
      if (claimedTops.has(candidate.normalize('NFC').toLowerCase())) continue
      if (await exists(join(root, candidate)) || await exists(join(root, fitName(candidate, PART_SUFFIX)))) continue
      claim(candidate)
      return candidate
    }
    throw new AppError('TRANSFER_WRITE_FAILED', `no free name for ${name}`)
  }

  /** Creates a folder inside one we created; it can only exist already through a race, or as our own. */
  const makeDir = async (parent: string, relativePath: string): Promise<void> => {
    await assertInsideRoot(root, toAbsolute(root, parent), relativePath)
    const absolute = toAbsolute(root, relativePath)
    try {
      await mkdir(absolute)
      createdDirs.push(absolute)
    } catch (err) {
      if (!isTaken(err)) throw err
      const stats = await lstat(absolute)
      if (!stats.isDirectory()) throw err
    }
  }

  try {
    const targets: DownloadTarget[] = []
    for (const entry of entries) {
      const segments = entry.path.split('/')
      const keys = segments.map(toNameKey)
      const isDirectory = entry.kind === 'directory'
      const topKey = keys[0] ?? ''
      let top = topByKey.get(topKey)
      if (top === undefined) {
        const topName = toSafeName(segments[0] ?? '')
        top = segments.length > 1 || isDirectory ? await claimTopDir(topName) : await chooseTopFile(topName)
        topByKey.set(topKey, top)
        dirByKey.set(topKey, top)
      }
      if (segments.length === 1) {
        targets.push({ relativePath: top, relativeDir: '', name: top })
        continue
      }
      let keyPath = topKey
      let relativeDir = top
      const lastDir = isDirectory ? segments.length - 1 : segments.length - 2
      for (let depth = 1; depth <= lastDir; depth++) {
        keyPath = `${keyPath}/${keys[depth] ?? ''}`
        const known = dirByKey.get(keyPath)
        if (known !== undefined) {
          relativeDir = known
          continue
        }
        const created = `${relativeDir}/${toSafeName(segments[depth] ?? '')}`
        await makeDir(relativeDir, created)
        dirByKey.set(keyPath, created)
        relativeDir = created
      }
      if (isDirectory) {
        const parent = relativeDir.slice(0, relativeDir.lastIndexOf('/'))
        targets.push({ relativePath: relativeDir, relativeDir: parent, name: relativeDir.slice(parent.length + 1) })
      } else {
        const name = toSafeName(segments[segments.length - 1] ?? '')
        targets.push({ relativePath: `${relativeDir}/${name}`, relativeDir, name })
      }
    }
    deps.log.debug({ entries: entries.length, createdDirs: createdDirs.length }, 'download planned')
    return { targets, createdDirs }
  } catch (err) {
    await removeEmptyDirs(deps, createdDirs)
    throw toDiskError(err, 'the offered folders', 'creating')
  }
}

/** Removes the folders a failed transfer created, deepest first, keeping any that are not empty. */
export async function removeEmptyDirs (deps: PlanDownloadDeps, createdDirs: string[]): Promise<void> {
  for (const dir of [...createdDirs].reverse()) {
    try {
      await rmdir(dir)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') deps.log.warn({ err }, 'could not remove a folder of a failed transfer')
    }
  }
}

/** True for a stored relative path we could have produced: `/`-separated, no empty, `.` or `..` part. */
function isPlainRelativePath (path: string): boolean {
  return path === '' || path.split('/').every(segment => segment !== '' && segment !== '.' && segment !== '..' && !segment.includes('\\'))
}

/**
 * Re-opens the plan of a transfer being resumed: the same targets, with any folder that
 * went missing created again inside the download folder (checked like a new plan's).
 */
export async function restoreDownload (deps: PlanDownloadDeps, options: { root: string, plan: DownloadPlan }): Promise<DownloadPlan> {
  const { root, plan } = options
  const dirs = new Set<string>()
  for (const target of plan.targets) {
    if (!isPlainRelativePath(target.relativePath) || !isPlainRelativePath(target.relativeDir)) {
      throw new AppError('TRANSFER_WRITE_FAILED', 'the saved resume plan is damaged')
    }
    // Every ancestor folder, so a folder removed meanwhile is recreated from the top.
    const segments = target.relativeDir === '' ? [] : target.relativeDir.split('/')
    for (let depth = 1; depth <= segments.length; depth++) dirs.add(segments.slice(0, depth).join('/'))
  }
  for (const target of plan.targets) {
    if (target.relativePath !== '' && plan.targets.some(t => t.relativeDir === target.relativePath)) dirs.add(target.relativePath)
  }
  try {
    for (const dir of [...dirs].sort((a, b) => a.split('/').length - b.split('/').length)) {
      const parent = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : ''
      await assertInsideRoot(root, toAbsolute(root, parent), dir)
      try {
        await mkdir(toAbsolute(root, dir))
      } catch (err) {
        if (!isTaken(err) || !(await lstat(toAbsolute(root, dir))).isDirectory()) throw err
      }
    }
  } catch (err) {
    throw toDiskError(err, 'the offered folders', 'reopening')
  }
  deps.log.debug({ entries: plan.targets.length }, 'download plan restored')
  return plan
}
