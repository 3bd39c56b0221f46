import { realpath } from 'node:fs/promises'
import { sep } from 'node:path'
import { AppError } from '@p2pft/protocol'

/**
 * Refuses to use `dir` unless its real path is `root` (itself a real path) or inside it:
 * a symlink planted among the download folder's subfolders must not redirect our writes.
 * `path` names the entry in the error.
 */
export async function assertInsideRoot (root: string, dir: string, path: string): Promise<void> {
  const real = await realpath(dir)
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new AppError('TRANSFER_WRITE_FAILED', `refused to save ${path}: its folder leads outside the download folder`)
  }
}
