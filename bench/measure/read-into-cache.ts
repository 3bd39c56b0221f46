import { open } from 'node:fs/promises'
import { MIB } from '../constants.ts'

/** Files read at once: a folder of thousands of small files waits for a batch of disk round trips, not one per file. */
const FILES_AT_ONCE = 32

async function readThrough (path: string, buffer: Buffer): Promise<void> {
  const handle = await open(path, 'r')
  try {
    while ((await handle.read(buffer, 0, buffer.length, null)).bytesRead > 0);
  } finally {
    await handle.close()
  }
}

/**
 * Reads every byte of `paths` and drops it, so each run finds its source in the page cache
 * as the first run after writing it did. Some machines (virtual ones with proactive
 * reclaim) evict idle file pages within a minute; without this, whichever case ran longest
 * after the source was last read would also pay for reading it back from disk, on the
 * same cores the transfer needs.
 */
export async function readIntoCache (paths: readonly string[]): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(FILES_AT_ONCE, paths.length) }, async () => {
    const buffer = Buffer.allocUnsafe(MIB)
    while (next < paths.length) await readThrough(paths[next++] as string, buffer)
  }))
}
