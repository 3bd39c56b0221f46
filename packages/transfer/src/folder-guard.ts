import { stat } from 'node:fs/promises'
import { AppError } from '@p2pft/protocol'
import { assertInsideRoot } from './assert-inside-root.ts'

/** Checks that target folders lie inside the download folder. */
export interface FolderGuard {
  /**
   * Rejects with TRANSFER_WRITE_FAILED (naming `path`) unless `dir` is the download folder
   * or inside it: its real path when first seen (or when it has changed since), and on
   * every call that it still is the same folder.
   */
  check: (dir: string, path: string) => Promise<void>
}

/** Device and inode of a folder: what `dir` leads to, whatever the path. */
type FolderIdentity = `${bigint}:${bigint}`

async function identityOf (dir: string): Promise<FolderIdentity> {
  const { dev, ino } = await stat(dir, { bigint: true })
  return `${dev}:${ino}`
}

/**
 * Reads `dir`'s identity, one stat at a time: checks that come while a stat runs share the
 * next one, which starts after it. So each check still sees the folder as it is after the
 * check was asked for (not the stat under way, which may have read it just before a swap),
 * and a folder of small files costs a stat per batch of files in flight, not two per file.
 */
function createIdentityReader (dir: string): () => Promise<FolderIdentity> {
  let running: Promise<FolderIdentity> | undefined
  let next: Promise<FolderIdentity> | undefined
  const start = (): Promise<FolderIdentity> => {
    const reading = identityOf(dir)
    running = reading
    const clear = (): void => { if (running === reading) running = undefined }
    reading.then(clear, clear)
    return reading
  }
  return async () => {
    if (running === undefined) return await start()
    next ??= running.then(() => {}, () => {}).then(() => {
      next = undefined
      return start()
    })
    return await next
  }
}

/**
 * A guard for one transfer into `root` (itself a real path). Resolving a real path costs a
 * readlink per path component: twice per file, that was most of a small file's syscalls.
 * So each folder's real path is checked once, and every later check compares what the
 * path leads to (a shared `stat`, see createIdentityReader) with the folder checked then.
 * A symlink swapped in for the folder (or for any folder above it) leads elsewhere, so it
 * is checked in full again and refused; a path that still leads to the checked folder
 * cannot redirect a write.
 */
export function createFolderGuard (root: string): FolderGuard {
  const checked = new Map<string, Promise<FolderIdentity>>()
  const readers = new Map<string, () => Promise<FolderIdentity>>()
  const checkInFull = async (dir: string, path: string): Promise<FolderIdentity> => {
    const identity = await identityOf(dir)
    await assertInsideRoot(root, dir, path)
    // The same folder after the check as before it: no swap slipped in between.
    if (await identityOf(dir) !== identity) {
      throw new AppError('TRANSFER_WRITE_FAILED', `refused to save ${path}: its folder changed while it was being checked`)
    }
    return identity
  }
  return {
    async check (dir, path) {
      const known = checked.get(dir)
      if (known !== undefined) {
        let readIdentity = readers.get(dir)
        if (readIdentity === undefined) {
          readIdentity = createIdentityReader(dir)
          readers.set(dir, readIdentity)
        }
        const [then, now] = await Promise.all([known.catch(() => undefined), readIdentity().catch(() => undefined)])
        if (then !== undefined && then === now) return
      }
      const checking = checkInFull(dir, path)
      checked.set(dir, checking)
      await checking
    }
  }
}
