import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { AppError, type ManifestEntry } from '@p2pft/protocol'

// Windows has no O_NOFOLLOW; there the manifest builder's lstat is the only guard.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)

function changed (entry: ManifestEntry, how: string, cause?: unknown): AppError {
  return new AppError('TRANSFER_SOURCE_CHANGED', `${entry.path} ${how} since it was offered`, { cause })
}

async function assertUnchanged (handle: FileHandle, entry: ManifestEntry): Promise<void> {
  const stats = await handle.stat()
  if (!stats.isFile()) throw changed(entry, 'is no longer a regular file')
  if (stats.size !== entry.size) throw changed(entry, `changed size (${entry.size} → ${stats.size} bytes)`)
  if (stats.mtimeMs !== entry.mtimeMs) throw changed(entry, 'was modified')
}

/** Fills a fresh buffer with `length` bytes from `position`, then checks the file is still as offered. */
async function readChunk (handle: FileHandle, entry: ManifestEntry, position: number, length: number): Promise<Uint8Array> {
  const chunk = Buffer.allocUnsafe(length)
  for (let filled = 0; filled < length;) {
    const { bytesRead } = await handle.read(chunk, filled, length - filled, position + filled)
    if (bytesRead === 0) throw changed(entry, 'got shorter')
    filled += bytesRead
  }
  // After every read, not just the last: a file being rewritten stops the transfer at
  // once instead of after gigabytes of a mixed version (an fstat costs microseconds per MiB).
  await assertUnchanged(handle, entry)
  return chunk
}

/**
 * Reads the file offered as `entry` in pieces of `chunkSizeBytes`, each in a fresh
 * buffer that the consumer owns (the stream may still hold the previous one; the sender
 * frees each once sent). The next chunk is read while the
 * consumer works on this one (the disk and the network overlap), never more than that,
 * so memory stays flat whatever the file size. Fails with TRANSFER_SOURCE_CHANGED if
 * the file is gone, resized or modified, checked after each read (and for an empty file,
 * once), so the peer never gets a file mixed of two versions. Not also before the first
 * read: a small file would pay a second fstat, and the check after it catches the same.
 */
export async function * readChunks (source: string, entry: ManifestEntry, chunkSizeBytes: number): AsyncGenerator<Uint8Array, void, undefined> {
  let handle: FileHandle
  try {
    handle = await open(source, OPEN_FLAGS)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') throw changed(entry, 'was removed or replaced', err)
    throw new AppError('TRANSFER_READ_FAILED', `cannot open ${entry.path}: ${(err as Error).message}`, { cause: err })
  }
  let ahead: Promise<Uint8Array> | undefined
  try {
    if (entry.size === 0) await assertUnchanged(handle, entry)
    const file = handle
    let position = 0
    const readNext = (): Promise<Uint8Array> | undefined => {
      if (position >= entry.size) return undefined
      const length = Math.min(chunkSizeBytes, entry.size - position)
      const read = readChunk(file, entry, position, length)
      // Handled where it is awaited; this keeps a read the consumer never asks for from being "unhandled".
      read.catch(() => {})
      position += length
      return read
    }
    ahead = readNext()
    while (ahead !== undefined) {
      const chunk = await ahead
      ahead = readNext()
      yield chunk
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    // A folder put in the file's place opens, but cannot be read.
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw changed(entry, 'is no longer a regular file', err)
    throw new AppError('TRANSFER_READ_FAILED', `cannot read ${entry.path}: ${(err as Error).message}`, { cause: err })
  } finally {
    // A consumer that stops early leaves one read in flight: let it end before closing.
    await ahead?.catch(() => {})
    await handle.close()
  }
}
