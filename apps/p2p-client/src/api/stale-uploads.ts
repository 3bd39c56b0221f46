import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Deletes staged uploads nobody will send: those a crash interrupted mid-upload. The
 * folders of sends kept for Resume (`keep`, by transfer id) stay.
 */
export async function removeStaleUploads (uploadsDir: string, keep: ReadonlySet<string>): Promise<void> {
  let names: string[]
  try {
    names = await readdir(uploadsDir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  for (const name of names) {
    if (!keep.has(name)) await rm(join(uploadsDir, name), { recursive: true, force: true })
  }
}
