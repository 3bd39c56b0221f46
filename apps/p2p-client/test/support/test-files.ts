import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { randomBytes } from 'node:crypto'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { Blake3Hasher } from '@napi-rs/blake-hash'

/** A fresh temporary folder, removed by the returned cleanup. */
export async function makeTempDir (prefix: string): Promise<{ path: string, cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `p2pft-${prefix}-`))
  return { path, cleanup: async () => { await rm(path, { recursive: true, force: true }) } }
}

/** Writes `sizeBytes` of random data, streamed so big files cost no memory. */
export async function writeRandomFile (path: string, sizeBytes: number): Promise<void> {
  const pieceBytes = 1024 * 1024
  let left = sizeBytes
  const source = Readable.from((function * () {
    while (left > 0) {
      const n = Math.min(pieceBytes, left)
      left -= n
      yield randomBytes(n)
    }
  })())
  await pipeline(source, createWriteStream(path))
}

export async function hashFile (path: string): Promise<string> {
  const hasher = new Blake3Hasher()
  for await (const data of createReadStream(path, { highWaterMark: 1024 * 1024 })) hasher.update(data as Buffer)
  return hasher.digest('hex')
}

/** Every entry under `root` as `relative/path` → `dir` or the file's hash. */
export async function describeTree (root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      const rel = relative(root, full)
      if (entry.isDirectory()) {
        out.set(rel, 'dir')
        await walk(full)
      } else {
        out.set(rel, `${(await stat(full)).size}:${await hashFile(full)}`)
      }
    }
  }
  await walk(root)
  return out
}

/** The nested folder of the acceptance test: spaces, unicode, an empty file and an empty folder. */
export async function writeNestedFolder (root: string): Promise<void> {
  await mkdir(join(root, 'sub dir', 'ünïcödé 文件'), { recursive: true })
  await mkdir(join(root, 'empty folder'), { recursive: true })
  await writeFile(join(root, 'empty.txt'), '')
  await writeFile(join(root, 'sub dir', 'notes with spaces.md'), '# hello\n'.repeat(100))
  await writeRandomFile(join(root, 'sub dir', 'ünïcödé 文件', 'data 🎉.bin'), 300_000)
}
