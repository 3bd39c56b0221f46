import { mkdir, open, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { AppError, MAX_UPLOAD_MANIFEST_BYTES, UploadFileList, createSchemaDecoder, type UploadFile } from '@p2pft/protocol'

const manifestDecoder = createSchemaDecoder(UploadFileList, 'API_INVALID_REQUEST', 'upload file list')

/** Why an upload's relative path is unsafe to create under the upload folder, or undefined. */
export function findUploadPathProblem (path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is absolute'
  if (path.includes('\\') || path.includes('\0')) return 'contains a backslash or NUL'
  if (path.split('/').some(part => part === '' || part === '.' || part === '..')) return 'has an empty, "." or ".." part'
  return undefined
}

/** Refuses an upload list with an unsafe or repeated name (API_INVALID_REQUEST), before anything is created or sent. */
export function assertUploadFiles (files: UploadFile[]): void {
  const seen = new Set<string>()
  for (const file of files) {
    const problem = findUploadPathProblem(file.path)
    if (problem !== undefined) throw new AppError('API_INVALID_REQUEST', `the uploaded name ${JSON.stringify(file.path)} ${problem}`)
    if (seen.has(file.path)) throw new AppError('API_INVALID_REQUEST', `the upload names ${JSON.stringify(file.path)} twice`)
    seen.add(file.path)
  }
}

/** Reads an upload's first line (its file list); `rest` yields the file bytes after it. */
export async function readUploadManifest (body: AsyncIterable<Uint8Array>): Promise<{ files: UploadFile[], rest: AsyncIterable<Uint8Array> }> {
  const iterator = body[Symbol.asyncIterator]()
  const pieces: Buffer[] = []
  let length = 0
  for (;;) {
    const { value, done } = await iterator.next()
    if (done === true) throw new AppError('API_UPLOAD_FAILED', 'the upload ended before its list of files')
    const chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    const newline = chunk.indexOf(10)
    if (newline === -1) {
      pieces.push(chunk)
      length += chunk.byteLength
      if (length > MAX_UPLOAD_MANIFEST_BYTES) throw new AppError('API_INVALID_REQUEST', 'the upload\'s list of files is too long')
      continue
    }
    pieces.push(chunk.subarray(0, newline))
    const files = manifestDecoder.decodeJson(Buffer.concat(pieces))
    const first = chunk.subarray(newline + 1)
    const rest = async function * (): AsyncIterable<Uint8Array> {
      if (first.byteLength > 0) yield first
      for (;;) {
        const next = await iterator.next()
        if (next.done === true) return
        yield next.value
      }
    }
    return { files, rest: rest() }
  }
}

export interface ReceiveUploadOptions {
  /** The request body: every file's bytes, one after another, in `files` order. */
  body: AsyncIterable<Uint8Array>
  files: UploadFile[]
  /** A fresh folder; files are created inside it under their relative paths. */
  dir: string
  onBytes: (totalBytes: number) => void
  signal: AbortSignal
}

/**
 * Streams an upload into files as it arrives (nothing is held in memory), checking that
 * the body has exactly the announced bytes. Returns the top-level paths to send.
 */
export async function receiveUpload (options: ReceiveUploadOptions): Promise<string[]> {
  assertUploadFiles(options.files)

  let index = -1
  let left = 0
  let handle: FileHandle | undefined
  let total = 0
  const next = async (): Promise<void> => {
    await handle?.close()
    handle = undefined
    index++
    const file = options.files[index]
    if (file === undefined) return
    const path = join(options.dir, file.path)
    await mkdir(dirname(path), { recursive: true })
    handle = await open(path, 'wx')
    left = file.size
  }
  try {
    await next()
    while (handle !== undefined && left === 0) await next()
    for await (const chunk of options.body) {
      options.signal.throwIfAborted()
      let offset = 0
      while (offset < chunk.byteLength) {
        if (handle === undefined) throw new AppError('API_UPLOAD_FAILED', 'the upload has more bytes than its files announce')
        const n = Math.min(left, chunk.byteLength - offset)
        await handle.write(chunk, offset, n)
        offset += n
        left -= n
        total += n
        while (handle !== undefined && left === 0) await next()
      }
      options.onBytes(total)
    }
    if (handle !== undefined) throw new AppError('API_UPLOAD_FAILED', `the upload stopped early, in ${JSON.stringify(options.files[index]?.path)}`)
  } catch (err) {
    if (options.signal.aborted) throw new AppError('TRANSFER_CANCELLED', 'you cancelled the transfer', { cause: err })
    if (err instanceof AppError) throw err
    throw new AppError('API_UPLOAD_FAILED', `the dropped files could not be received: ${(err as Error).message}`, { cause: err })
  } finally {
    await handle?.close()
  }
  return [...new Set(options.files.map(file => file.path.split('/')[0] ?? file.path))].map(name => join(options.dir, name))
}
