import type { ManifestEntry } from '@p2pft/protocol'
import { READ_AHEAD_BYTES, READ_AHEAD_FILES } from './constants.ts'

/** One file to send, in send order. */
export interface FileToRead {
  fileIndex: number
  entry: ManifestEntry
}

export interface ReadFilesAheadOptions {
  /** Reads one file in chunks (checking it is still what was offered). */
  read: (file: FileToRead) => AsyncIterable<Uint8Array>
  /** Files of at most this size (a single chunk) are read ahead. */
  chunkSizeBytes: number
  /** Most bytes read ahead. @default READ_AHEAD_BYTES */
  maxBytes?: number
  /** Most files read ahead (each holds a file handle while it is read). @default READ_AHEAD_FILES */
  maxFiles?: number
}

async function collect (chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const all: Uint8Array[] = []
  for await (const chunk of chunks) all.push(chunk)
  return all
}

/**
 * Yields each file with its chunks, in order, reading the small files that follow while
 * the current one is sent. Each file costs a few disk round trips (open, stat, read,
 * close) that a folder of thousands of small files would otherwise wait for one after
 * another. Bounded in bytes and open files, so memory stays flat; big files stream as usual.
 */
export async function * readFilesAhead (files: FileToRead[], options: ReadFilesAheadOptions): AsyncGenerator<{ file: FileToRead, chunks: AsyncIterable<Uint8Array> | Uint8Array[] }, void, undefined> {
  const maxBytes = options.maxBytes ?? READ_AHEAD_BYTES
  const maxFiles = options.maxFiles ?? READ_AHEAD_FILES
  const started = new Map<number, { sizeBytes: number, chunks: Promise<Uint8Array[]> }>()
  let startedBytes = 0
  /** Position of the next file that may be read ahead. */
  let next = 0
  const fill = (): void => {
    for (let file = files[next]; file !== undefined; file = files[next]) {
      const { size } = file.entry
      if (size > options.chunkSizeBytes || started.size >= maxFiles || (started.size > 0 && startedBytes + size > maxBytes)) return
      const chunks = collect(options.read(file))
      // Awaited when its turn comes (or below, on the way out); until then a failure is not "unhandled".
      chunks.catch(() => {})
      started.set(next++, { sizeBytes: size, chunks })
      startedBytes += size
    }
  }
  try {
    for (const [position, file] of files.entries()) {
      const ahead = started.get(position)
      started.delete(position)
      startedBytes -= ahead?.sizeBytes ?? 0
      next = Math.max(next, position + 1)
      fill()
      yield { file, chunks: ahead === undefined ? options.read(file) : await ahead.chunks }
    }
  } finally {
    await Promise.allSettled([...started.values()].map(async ahead => await ahead.chunks))
  }
}
