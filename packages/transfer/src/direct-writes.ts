import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import type { Logger } from 'pino'

/**
 * What O_DIRECT asks of a write's file offset, length and memory on the file systems we
 * meet (the largest logical block size in common use). A write that breaks the device's
 * own rule anyway fails with EINVAL, and the writer then goes back to buffered writes.
 */
export const DIRECT_IO_ALIGNMENT = 4096
/** A WebAssembly page: the unit a WebAssembly.Memory grows by, and so its size. */
const WASM_PAGE_BYTES = 65_536
/** Staging buffers kept per size for the next big file; more are left to garbage collection. */
const POOLED_PER_SIZE = 2

// The lib our packages compile against has no WebAssembly types; this is the one use.
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } }

/**
 * Staging buffers by size. Each is the whole of a WebAssembly.Memory, whose memory starts
 * on a page boundary: JavaScript has no other way to get memory O_DIRECT accepts.
 */
const pool = new Map<number, Buffer[]>()

function takeStaging (sizeBytes: number): Buffer {
  const pooled = pool.get(sizeBytes)?.pop()
  if (pooled !== undefined) return pooled
  const memory = new WebAssembly.Memory({ initial: Math.ceil(sizeBytes / WASM_PAGE_BYTES) })
  return Buffer.from(memory.buffer, 0, sizeBytes)
}

function giveBack (staging: Buffer): void {
  const free = pool.get(staging.byteLength) ?? []
  if (free.length < POOLED_PER_SIZE) free.push(staging)
  pool.set(staging.byteLength, free)
}

/** Writes a big file's chunks past the page cache; the caller writes whatever it declines. */
export interface DirectWriter {
  /**
   * Copies `data` into an aligned buffer and writes it at `position`; resolves with how
   * many bytes it wrote from the start: all of them, or 0 when the write is not aligned
   * or the file system turned O_DIRECT down (from then on it writes nothing), or fewer on
   * a short write. Other errors (a full disk, an I/O error) reject.
   */
  write: (data: Iterable<Uint8Array>, length: number, position: number) => Promise<number>
  close: () => Promise<void>
}

/**
 * Opens a second handle on `path` for direct writes of chunks of `chunkSizeBytes`, or
 * undefined where the platform, the chunk size or the file system does not allow it.
 *
 * Why: a received gigabyte written through the page cache costs the receiver a copy into
 * a gigabyte of freshly allocated cache pages and later their writeback; on the virtual
 * machines we measured, first touching that memory alone was 0.5–2 s of system time per
 * GiB. Direct writes go from one reused buffer to the disk, and the file does not push
 * the user's other files out of the cache.
 */
export async function openDirectWriter (path: string, chunkSizeBytes: number, log: Logger): Promise<DirectWriter | undefined> {
  // Not on Windows or macOS, which spell it differently.
  const directFlag = constants.O_DIRECT
  if (directFlag === undefined || chunkSizeBytes % DIRECT_IO_ALIGNMENT !== 0) return undefined
  let handle: FileHandle
  try {
    handle = await open(path, constants.O_WRONLY | directFlag | (constants.O_NOFOLLOW ?? 0))
  } catch (err) {
    log.debug({ err, path }, 'no direct writes on this file system; writing through the page cache')
    return undefined
  }
  let staging: Buffer
  try {
    staging = takeStaging(chunkSizeBytes)
  } catch (err) {
    // A WebAssembly.Memory reserves a lot of address space: a process limit can refuse it.
    log.debug({ err }, 'no aligned memory for direct writes; writing through the page cache')
    await handle.close()
    return undefined
  }
  let usable = true
  let closed = false
  return {
    async write (data, length, position) {
      if (!usable || length > staging.byteLength || position % DIRECT_IO_ALIGNMENT !== 0 || length % DIRECT_IO_ALIGNMENT !== 0) return 0
      let offset = 0
      for (const buf of data) {
        staging.set(buf, offset)
        offset += buf.byteLength
      }
      let written = 0
      while (written < length) {
        let bytesWritten: number
        try {
          ({ bytesWritten } = await handle.write(staging, written, length - written, position + written))
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err
          log.debug({ err, path }, 'direct write refused; writing through the page cache')
          usable = false
          return written
        }
        // A short write that leaves the rest unaligned: the caller writes the rest.
        if (bytesWritten === 0 || bytesWritten % DIRECT_IO_ALIGNMENT !== 0) return written + bytesWritten
        written += bytesWritten
      }
      return written
    },
    async close () {
      if (closed) return
      closed = true
      giveBack(staging)
      await handle.close()
    }
  }
}
