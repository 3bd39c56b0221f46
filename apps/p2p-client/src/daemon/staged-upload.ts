import { constants } from 'node:fs'
import { open, utimes, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError, type ManifestEntry, type UploadFile } from '@p2pft/protocol'
import type { ChunkSource, Manifest } from '@p2pft/transfer'

/**
 * Dropped files, sent while they are still being uploaded: the offer is built from the sizes
 * the page announced, and the sender reads each staged file as far as its bytes have arrived,
 * waiting for the rest (chunk hashes are computed by the engine as it reads).
 */
export interface StagedUpload {
  /** The offer, in the order `buildManifest` gives the same folder, so a Resume after a restart is the same transfer. */
  manifest: Manifest
  /** The top-level files and folders in the staging folder (what a Resume sends). */
  paths: string[]
  readChunks: ChunkSource
  /** The upload has written `totalBytes` (all files, in upload order) to disk. */
  progress: (totalBytes: number) => void
  /** Every byte arrived: gives files and folders the offered times (what `buildManifest` will read). */
  complete: () => Promise<void>
  /** The upload broke off: readers waiting for its bytes fail with `error`. */
  fail: (error: AppError) => void
}

interface FolderNode { files: Map<string, number>, folders: Map<string, FolderNode> }

const newFolder = (): FolderNode => ({ files: new Map(), folders: new Map() })

export function createStagedUpload (files: UploadFile[], dir: string, options: { nowMs: number }): StagedUpload {
  const mtimeMs = Math.floor(options.nowMs)
  // Where each file starts in the upload body, and which file a manifest source is.
  const startOf: number[] = []
  let offset = 0
  for (const file of files) {
    startOf.push(offset)
    offset += file.size
  }

  const root = newFolder()
  const topLevel: string[] = []
  for (const [index, file] of files.entries()) {
    const parts = file.path.split('/')
    const name = parts.pop() ?? file.path
    let folder = root
    for (const [depth, part] of parts.entries()) {
      if (folder.files.has(part)) throw new AppError('API_INVALID_REQUEST', `the upload uses ${parts.slice(0, depth + 1).join('/')} as a file and as a folder`)
      if (depth === 0 && !root.folders.has(part)) topLevel.push(part)
      let next = folder.folders.get(part)
      if (next === undefined) folder.folders.set(part, next = newFolder())
      folder = next
    }
    if (folder.folders.has(name)) throw new AppError('API_INVALID_REQUEST', `the upload uses ${file.path} as a file and as a folder`)
    if (parts.length === 0) topLevel.push(name)
    folder.files.set(name, index)
  }

  const manifest: Manifest = { entries: [], sources: [], totalBytes: offset }
  const fileIndexBySource = new Map<string, number>()
  const folders: string[] = []
  const addFile = (path: string, index: number): void => {
    const source = join(dir, path)
    manifest.entries.push({ path, kind: 'file', size: files[index]?.size ?? 0, mtimeMs })
    manifest.sources.push(source)
    fileIndexBySource.set(source, index)
  }
  // Folders before their contents, names sorted: as `buildManifest` walks the staged folder.
  const addFolder = (path: string, folder: FolderNode): void => {
    manifest.entries.push({ path, kind: 'directory', size: 0, mtimeMs })
    manifest.sources.push(join(dir, path))
    folders.push(join(dir, path))
    for (const name of [...folder.files.keys(), ...folder.folders.keys()].sort()) {
      const index = folder.files.get(name)
      const child = folder.folders.get(name)
      if (index !== undefined) addFile(`${path}/${name}`, index)
      else if (child !== undefined) addFolder(`${path}/${name}`, child)
    }
  }
  for (const name of topLevel) {
    const index = root.files.get(name)
    const folder = root.folders.get(name)
    if (index !== undefined) addFile(name, index)
    else if (folder !== undefined) addFolder(name, folder)
  }

  let written = 0
  let failure: AppError | undefined
  const waiters = new Set<{ bytes: number, resolve: () => void, reject: (err: AppError) => void }>()
  const reach = async (bytes: number): Promise<void> => {
    if (failure !== undefined) throw failure
    if (written >= bytes) return
    await new Promise<void>((resolve, reject) => { waiters.add({ bytes, resolve, reject }) })
  }

  async function * readChunks (source: string, entry: ManifestEntry, chunkSizeBytes: number): AsyncGenerator<Uint8Array, void, undefined> {
    const index = fileIndexBySource.get(source)
    const start = index === undefined ? undefined : startOf[index]
    if (start === undefined) throw new AppError('INTERNAL_ERROR', `${entry.path} is not part of this upload`)
    if (entry.size === 0) return
    // The file exists once its first byte was written.
    await reach(start + 1)
    let handle: FileHandle
    try {
      handle = await open(source, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
    } catch (err) {
      throw new AppError('TRANSFER_READ_FAILED', `cannot open the dropped file ${entry.path}: ${(err as Error).message}`, { cause: err })
    }
    try {
      for (let position = 0; position < entry.size;) {
        const length = Math.min(chunkSizeBytes, entry.size - position)
        await reach(start + position + length)
        const chunk = Buffer.allocUnsafe(length)
        for (let filled = 0; filled < length;) {
          const { bytesRead } = await handle.read(chunk, filled, length - filled, position + filled)
          if (bytesRead === 0) throw new AppError('TRANSFER_READ_FAILED', `the dropped file ${entry.path} is shorter than announced`)
          filled += bytesRead
        }
        position += length
        yield chunk
      }
    } finally {
      await handle.close()
    }
  }

  return {
    manifest,
    paths: topLevel.map(name => join(dir, name)),
    readChunks,
    progress (totalBytes) {
      written = totalBytes
      for (const waiter of waiters) {
        if (waiter.bytes <= written) {
          waiters.delete(waiter)
          waiter.resolve()
        }
      }
    },
    async complete () {
      const at = new Date(mtimeMs)
      for (const source of fileIndexBySource.keys()) await utimes(source, at, at)
      // Deepest first: setting a folder's time does not change its parent's.
      for (const folder of [...folders].reverse()) await utimes(folder, at, at)
    },
    fail (error) {
      failure ??= error
      for (const waiter of waiters) waiter.reject(failure)
      waiters.clear()
    }
  }
}
