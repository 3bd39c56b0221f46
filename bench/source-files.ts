import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, truncate, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { MIB } from './constants.ts'
import { hashFile } from './measure/tree-digest.ts'

/** The one file every big-file case sends, and what must arrive. */
export interface SourceFile {
  path: string
  sizeBytes: number
  /** `size:sha256`, the form describeTree uses. */
  digest: string
}

/** A folder of many small files, and what must arrive. */
export interface SmallFiles {
  dir: string
  count: number
  totalBytes: number
  /** Relative to the folder's parent, as the receiver saves it: `small/00042.bin` → `size:sha256`. */
  tree: Map<string, string>
}

/** Writes `sizeBytes` of random data, streamed so a big file costs no memory. */
export async function writeSourceFile (path: string, sizeBytes: number): Promise<SourceFile> {
  const hash = createHash('sha256')
  let left = sizeBytes
  const source = Readable.from((function * () {
    while (left > 0) {
      const piece = randomBytes(Math.min(MIB, left))
      left -= piece.length
      hash.update(piece)
      yield piece
    }
  })())
  await pipeline(source, createWriteStream(path))
  return { path, sizeBytes, digest: `${sizeBytes}:${hash.digest('hex')}` }
}

/**
 * A sparse file of `sizeBytes` (all zeros, one hole): a 10 GiB memory test costs no disk
 * or time on the sending side. Its digest is still computed by reading it, like any file.
 */
export async function writeSparseFile (path: string, sizeBytes: number): Promise<SourceFile> {
  await writeFile(path, '')
  await truncate(path, sizeBytes)
  return { path, sizeBytes, digest: `${sizeBytes}:${await hashFile(path)}` }
}

/** Writes `count` random files of `sizeBytes` each into `dir` (one flat folder). */
export async function writeSmallFiles (dir: string, count: number, sizeBytes: number): Promise<SmallFiles> {
  await mkdir(dir, { recursive: true })
  const folder = basename(dir)
  const tree = new Map<string, string>([[folder, 'dir']])
  const width = String(count - 1).length
  const batch = 256
  for (let first = 0; first < count; first += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - first) }, async (_unused, i) => {
      const name = `${String(first + i).padStart(width, '0')}.bin`
      const data = randomBytes(sizeBytes)
      await writeFile(join(dir, name), data)
      tree.set(join(folder, name), `${sizeBytes}:${createHash('sha256').update(data).digest('hex')}`)
    }))
  }
  return { dir, count, totalBytes: count * sizeBytes, tree }
}
