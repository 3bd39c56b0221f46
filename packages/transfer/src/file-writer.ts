import { constants } from 'node:fs'
import { link, lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Logger } from 'pino'
import type { Uint8ArrayList } from 'uint8arraylist'
import { Blake3Hasher } from '@napi-rs/blake-hash'
import { AppError, type ManifestEntry } from '@p2pft/protocol'
import { DIRECT_WRITE_MIN_BYTES, MAX_DATE_MS, MAX_NAME_ATTEMPTS, PART_SUFFIX, SYNC_AHEAD_BYTES } from './constants.ts'
import { openDirectWriter, type DirectWriter } from './direct-writes.ts'
import { toDiskError } from './disk-error.ts'
import { createFolderGuard, type FolderGuard } from './folder-guard.ts'
import { fitName, toNumberedName } from './safe-name.ts'

export interface FileWriterDeps {
  log: Logger
}

export interface FileWriterOptions {
  /** Real path of the download folder; nothing is written outside it. */
  root: string
  /** Checks `dir` lies inside `root`; shared by a transfer's writers so each folder's real path is resolved once. @default a guard of this writer's own */
  folders?: FolderGuard
  /** Absolute folder the file goes in (inside `root`, already created). */
  dir: string
  /** Path of `dir` relative to `root` with `/` separators, '' for `root` itself. */
  relativeDir: string
  /** Wanted file name (already safe); a numbered one is used if it gets taken. */
  name: string
  /** The offer's entry: its size and hash are enforced, its mtime restored. */
  entry: ManifestEntry
  /** Largest chunk the offer announced. */
  chunkSizeBytes: number
  /**
   * Data on disk before the rename, so a crash never leaves a verified name over missing
   * data: a file that comes in one write is opened with O_DSYNC (the write itself syncs),
   * others get an fsync. @default true
   */
  sync?: boolean
  /**
   * Write a file of DIRECT_WRITE_MIN_BYTES or more past the page cache (O_DIRECT) where the
   * platform and file system allow it, else through it as usual. @default true
   */
  directWrites?: boolean
  /**
   * Continue an earlier `.part` of this file (in `dir`) instead of creating one: its chunks
   * are re-read and checked against these hashes, and the file is cut after the last good
   * one. A missing or unusable `.part` starts the file afresh.
   */
  resume?: { partName: string, chunkHashes: Uint8Array[] }
  /** Told when a chunk is on disk, with the hash its sender gave it (for resume checkpoints and acknowledgements). */
  onChunkWritten?: (chunkIndex: number, blake3: Uint8Array, sizeBytes: number) => void
  /** Awaited after the whole-file hash matched and before the rename (to record it first). */
  onPlacing?: (blake3Hex: string) => Promise<void>
}

export interface SavedFile {
  /** Final path relative to the download folder, `/` separators. */
  path: string
  absolutePath: string
  size: number
  blake3: string
}

/** Writes one incoming file to `<name>.part`, verifies it, then gives it its final name. */
export interface FileWriter {
  /** Bytes taken so far: on resume, the kept prefix that checked out; then every chunk written. */
  readonly bytes: number
  /** Chunks taken so far (on resume: the good prefix found in the `.part`). */
  readonly verifiedChunks: number
  /** Name of the `.part` file in its folder. */
  readonly partName: string
  /** BLAKE3 of the bytes taken so far. */
  prefixBlake3: () => string
  /**
   * Checks a chunk's place and size and starts writing it; its bytes are checked by the
   * whole-file hash at `finish` (a file's only chunk at once, against its own hash, which is
   * the same). Resolves once the previous chunk is on disk,
   * so one write overlaps receiving the next chunk but never more. `onWritten` is called
   * once this chunk is on disk: nothing reads `data` after that.
   */
  write: (chunkIndex: number, blake3: Uint8Array, data: Uint8ArrayList, onWritten?: () => void) => Promise<void>
  /** Checks size and whole-file hash, restores mtime, renames without overwriting anything. */
  finish: (blake3Hex: string) => Promise<SavedFile>
  /** Removes the .part file (after a failure); a no-op once finished. */
  discard: () => Promise<void>
  /** Closes the .part file and keeps it, with its verified prefix, for a later resume. */
  release: () => Promise<void>
}

/** Link errors of file systems without hard links (FAT, exFAT, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'])
function errnoCode (err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code
}

async function exists (path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false
    throw err
  }
}

/**
 * Writes the slices a chunk arrived in with one writev each time (a 1 MiB chunk comes in
 * a dozen or more slices: one write per slice cost twice the CPU), going on after a short write.
 */
async function writeFully (handle: FileHandle, bufs: readonly Uint8Array[], position: number): Promise<void> {
  let left = bufs
  while (left.length > 0) {
    const { bytesWritten } = await handle.writev(left, position)
    if (bytesWritten === 0) throw new Error('the disk accepted no bytes')
    position += bytesWritten
    left = dropWritten(left, bytesWritten)
  }
}

/** What is left of `bufs` once its first `bytes` are written (`bufs` itself when none are). */
function dropWritten (bufs: readonly Uint8Array[], bytes: number): readonly Uint8Array[] {
  if (bytes === 0) return bufs
  let index = 0
  while (index < bufs.length && bytes >= (bufs[index]?.byteLength ?? 0)) bytes -= bufs[index++]?.byteLength ?? 0
  const rest = bufs.slice(index)
  const first = rest[0]
  if (first !== undefined && bytes > 0) rest[0] = first.subarray(bytes)
  return rest
}

/** Opens an earlier `.part` for reading and writing; undefined if it is gone or not a regular file. */
async function openExistingPart (path: string): Promise<FileHandle | undefined> {
  let handle: FileHandle
  try {
    handle = await open(path, constants.O_RDWR | (constants.O_NOFOLLOW ?? 0))
  } catch (err) {
    const code = errnoCode(err)
    if (code === 'ENOENT' || code === 'ELOOP') return undefined
    throw err
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close()
    return undefined
  }
  return handle
}

/**
 * Checks a one-chunk file's chunk and a resumed file's kept chunks, for every writer. A
 * native hasher is about 3 KB that only a full GC frees (V8 does not see it), so one per
 * small file added up to tens of MB; one is enough since each check runs from reset to
 * digest without yielding.
 */
const chunkHasher = new Blake3Hasher()
/** BLAKE3 of no bytes: the verified prefix of a file before its first chunk. */
const EMPTY_BLAKE3_HEX = new Blake3Hasher().digest('hex')

/**
 * Reads the first chunks of an earlier `.part` and checks each against its recorded hash;
 * returns the length of the good prefix and a hasher fed with it. Stops at the
 * first chunk that is short or damaged: that one and the rest are fetched again.
 */
async function verifyPrefix (handle: FileHandle, chunkHashes: Uint8Array[], entry: ManifestEntry, chunkSizeBytes: number): Promise<{ bytes: number, chunks: number, fileHasher: Blake3Hasher }> {
  const buffer = Buffer.allocUnsafe(Math.min(chunkSizeBytes, Math.max(entry.size, 1)))
  const fileHasher = new Blake3Hasher()
  let bytes = 0
  let chunks = 0
  for (const expected of chunkHashes) {
    const length = Math.min(chunkSizeBytes, entry.size - bytes)
    if (length <= 0) break
    let filled = 0
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, bytes + filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    if (filled < length) break
    const data = buffer.subarray(0, length)
    chunkHasher.reset()
    chunkHasher.update(data)
    if (!chunkHasher.digestBuffer().equals(expected)) break
    fileHasher.update(data)
    bytes += length
    chunks++
  }
  return { bytes, chunks, fileHasher }
}

/** Flags of a new `.part`: created exclusively, which also refuses a symlink planted under its name. */
const NEW_PART_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL
/** Where the platform has it (not Windows): each write returns only once its data is on disk. */
const SYNCED_WRITES_FLAG: number | undefined = constants.O_DSYNC

/** Opens `<name>.part` exclusively, with `extraFlags`. */
async function openPart (dir: string, name: string, extraFlags: number): Promise<{ handle: FileHandle, partPath: string }> {
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const partPath = join(dir, fitName(name, n === 0 ? PART_SUFFIX : `.${n}${PART_SUFFIX}`))
    try {
      return { handle: await open(partPath, NEW_PART_FLAGS | extraFlags), partPath }
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err
    }
  }
  throw new Error('no free name for a .part file')
}

/**
 * Gives the verified .part its final name, never replacing an existing file: link()
 * fails with EEXIST where rename() would overwrite, and then the next numbered name is
 * tried. Where hard links are unsupported, rename only after checking the name is free
 * (a race with another writer is then possible, but only there).
 */
async function placeWithoutOverwrite (partPath: string, dir: string, name: string): Promise<string> {
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const candidate = toNumberedName(name, n, 'file')
    const target = join(dir, candidate)
    try {
      await link(partPath, target)
    } catch (err) {
      const code = errnoCode(err)
      if (code === 'EEXIST') continue
      if (code === undefined || !NO_HARD_LINKS.has(code)) throw err
      if (await exists(target)) continue
      await rename(partPath, target)
      return candidate
    }
    await unlink(partPath)
    return candidate
  }
  throw new Error('no free name for the file')
}

export async function createFileWriter (deps: FileWriterDeps, options: FileWriterOptions): Promise<FileWriter> {
  const { entry, root, dir, name } = options
  const log = deps.log
  const sync = options.sync ?? true
  const folders = options.folders ?? createFolderGuard(root)
  /**
   * The whole file's hash so far. A file of one chunk gets no hasher of its own: its hash
   * is that chunk's, already checked (see `chunkHasher` for why that matters).
   */
  let fileHasher = entry.size > 0 && entry.size <= options.chunkSizeBytes ? undefined : new Blake3Hasher()
  let onlyChunkHex = EMPTY_BLAKE3_HEX
  const fileDigest = (): string => fileHasher?.digest('hex') ?? onlyChunkHex
  let bytes = 0
  let nextChunk = 0
  let pending: Promise<void> = Promise.resolve()
  /** A flush of what was written so far, run while more arrives, so the final fsync has little left to do. */
  let syncing: Promise<void> | undefined
  let unsyncedBytes = 0
  /**
   * The file comes in one write opened with O_DSYNC, so that write syncs it: one disk
   * round trip per small file instead of two (a write, then an fsync).
   */
  let syncsOnWrite = false
  let state: 'open' | 'closed' | 'placed' = 'open'

  let handle: FileHandle | undefined
  let partPath = ''
  try {
    await folders.check(dir, entry.path)
    const resume = options.resume
    // Only a `.part` of ours is reopened, whatever the journal says.
    if (resume !== undefined && resume.partName.endsWith(PART_SUFFIX)) {
      partPath = join(dir, basename(resume.partName))
      handle = await openExistingPart(partPath)
      if (handle !== undefined) {
        const prefix = await verifyPrefix(handle, resume.chunkHashes, entry, options.chunkSizeBytes)
        fileHasher = prefix.fileHasher
        await handle.truncate(prefix.bytes)
        bytes = prefix.bytes
        nextChunk = prefix.chunks
        if (prefix.chunks < resume.chunkHashes.length) {
          log.warn({ path: entry.path, recorded: resume.chunkHashes.length, verified: prefix.chunks }, 'part file shorter or damaged; fetching the rest again')
        }
      } else {
        log.warn({ path: entry.path }, 'part file gone; fetching the file again')
      }
    }
    if (handle === undefined) {
      syncsOnWrite = sync && SYNCED_WRITES_FLAG !== undefined && entry.size > 0 && entry.size <= options.chunkSizeBytes
      const opened = await openPart(dir, name, syncsOnWrite ? SYNCED_WRITES_FLAG ?? 0 : 0)
      handle = opened.handle
      partPath = opened.partPath
    }
  } catch (err) {
    await handle?.close().catch(() => {})
    throw toDiskError(err, entry.path, options.resume === undefined ? 'creating' : 'resuming')
  }
  const file: FileHandle = handle
  const direct: DirectWriter | undefined = (options.directWrites ?? true) && entry.size >= DIRECT_WRITE_MIN_BYTES
    ? await openDirectWriter(partPath, options.chunkSizeBytes, log)
    : undefined

  const close = async (): Promise<void> => {
    if (state !== 'open') return
    state = 'closed'
    await syncing?.catch(() => {})
    await direct?.close()
    await file.close()
  }

  /** A chunk's slices at `position`: directly where it can, the rest (or all) through the page cache. */
  const writeChunk = async (data: Uint8ArrayList, length: number, position: number): Promise<void> => {
    const slices = [...data]
    const directBytes = direct === undefined ? 0 : await direct.write(slices, length, position)
    if (directBytes < length) await writeFully(file, dropWritten(slices, directBytes), position + directBytes)
  }

  const syncAhead = (writtenBytes: number): void => {
    unsyncedBytes += writtenBytes
    if (!sync || syncsOnWrite || syncing !== undefined || unsyncedBytes < SYNC_AHEAD_BYTES) return
    unsyncedBytes = 0
    syncing = file.datasync().finally(() => { syncing = undefined })
    // A failure here shows again in finish's own fsync, which is the one that counts.
    syncing.catch(() => {})
  }

  return {
    get bytes () { return bytes },
    get verifiedChunks () { return nextChunk },
    get partName () { return basename(partPath) },
    prefixBlake3: fileDigest,

    async write (chunkIndex, blake3, data, onWritten) {
      if (chunkIndex !== nextChunk) {
        throw new AppError('PROTOCOL_UNEXPECTED_MESSAGE', `chunk ${chunkIndex} of ${entry.path} arrived where chunk ${nextChunk} was expected`)
      }
      const length = data.byteLength
      if (length === 0 || length > options.chunkSizeBytes) {
        throw new AppError('TRANSFER_SIZE_MISMATCH', `chunk ${chunkIndex} of ${entry.path} has ${length} bytes, outside 1..${options.chunkSizeBytes}`)
      }
      if (bytes + length > entry.size) {
        throw new AppError('TRANSFER_SIZE_MISMATCH', `${entry.path} got more than the ${entry.size} bytes offered`)
      }
      // Iterate the slices rather than joining them: a join is a copy per chunk.
      if (fileHasher === undefined && length === entry.size) {
        // The file's only chunk: its hash is the whole file's, so it is checked here at no extra cost.
        chunkHasher.reset()
        for (const buf of data) chunkHasher.update(buf)
        const chunkDigest = chunkHasher.digestBuffer()
        if (!chunkDigest.equals(blake3)) throw new AppError('TRANSFER_HASH_MISMATCH', `${entry.path} failed its hash`)
        onlyChunkHex = chunkDigest.toString('hex')
      } else {
        // One hash pass per byte: the whole-file hash, checked at `finish`, covers every chunk, and
        // the channel (TLS, noise or a lane's AES-GCM) already authenticates each chunk's bytes with
        // the hash the sender gave it. That hash is kept for a resume, which re-reads each kept chunk
        // and checks it before counting it (`verifyPrefix`), so a chunk that did not match its hash is
        // fetched again, never placed. Also a small file a sender splits into several chunks.
        fileHasher ??= new Blake3Hasher()
        for (const buf of data) fileHasher.update(buf)
      }
      await pending
      const position = bytes
      const hash = Buffer.from(blake3)
      pending = writeChunk(data, length, position).then(
        () => {
          syncAhead(length)
          onWritten?.()
          options.onChunkWritten?.(chunkIndex, hash, length)
        },
        (err: unknown) => { throw toDiskError(err, entry.path, 'writing') })
      pending.catch(() => {})
      bytes += length
      nextChunk++
    },

    async finish (blake3Hex) {
      await pending
      if (bytes !== entry.size) {
        throw new AppError('TRANSFER_SIZE_MISMATCH', `${entry.path} ended after ${bytes} of ${entry.size} bytes`)
      }
      const digest = fileDigest()
      if (digest !== blake3Hex) throw new AppError('TRANSFER_HASH_MISMATCH', `${entry.path} failed its whole-file hash`)
      try {
        if (Number.isFinite(entry.mtimeMs) && Math.abs(entry.mtimeMs) <= MAX_DATE_MS) {
          await file.utimes(new Date(), new Date(entry.mtimeMs))
        } else {
          log.debug({ path: entry.path }, 'offered mtime out of range; left as is')
        }
        await syncing?.catch(() => {})
        if (sync && !syncsOnWrite) await file.sync()
        await options.onPlacing?.(digest)
        await close()
        await folders.check(dir, entry.path)
        const finalName = await placeWithoutOverwrite(partPath, dir, name)
        state = 'placed'
        return {
          path: options.relativeDir === '' ? finalName : `${options.relativeDir}/${finalName}`,
          absolutePath: join(dir, finalName),
          size: bytes,
          blake3: digest
        }
      } catch (err) {
        throw toDiskError(err, entry.path, 'saving')
      }
    },

    async discard () {
      if (state === 'placed') return
      await pending.catch(() => {})
      await close().catch(() => {})
      try {
        await unlink(partPath)
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') log.warn({ err, path: entry.path }, 'could not remove a .part file')
      }
    },

    async release () {
      if (state === 'placed') return
      await pending.catch(() => {})
      await close().catch(() => {})
    }
  }
}

/**
 * After a crash between a file's rename and its journal record: the name it got, found
 * among `name`, `name (1)`... by its hash, or undefined if it is not there.
 */
export async function findPlacedFile (dir: string, name: string, blake3Hex: string): Promise<string | undefined> {
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const candidate = toNumberedName(name, n, 'file')
    let handle: FileHandle
    try {
      handle = await open(join(dir, candidate), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined
      continue
    }
    try {
      const hasher = new Blake3Hasher()
      for await (const data of handle.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 })) hasher.update(data as Buffer)
      if (hasher.digest('hex') === blake3Hex) return candidate
    } catch {
      // Not readable: not ours.
    } finally {
      await handle.close()
    }
  }
  return undefined
}
