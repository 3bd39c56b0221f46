import { rename, writeFile } from 'node:fs/promises'

/**
 * Replaces `path` with `text` atomically and readable by its owner only (0600): a new file
 * renamed over the old one, so a reader never sees half a file, and the mode applies even
 * where an older file had a looser one (writeFile's mode only applies to files it creates).
 */
export async function writePrivateFile (path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, text, { mode: 0o600 })
  await rename(temp, path)
}
