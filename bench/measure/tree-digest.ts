import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { MIB } from '../constants.ts'

/**
 * SHA-256 of a file, streamed. Independent of the BLAKE3 our client checks itself, so a
 * bug in our hashing cannot hide a bug in our transfer.
 */
export async function hashFile (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const data of createReadStream(path, { highWaterMark: MIB })) hash.update(data as Buffer)
  return hash.digest('hex')
}

/** Every entry under `root` as relative path → `dir` or `size:sha256`. */
export async function describeTree (root: string): Promise<Map<string, string>> {
  const tree = new Map<string, string>()
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      const path = relative(root, full)
      if (entry.isDirectory()) {
        tree.set(path, 'dir')
        await walk(full)
      } else {
        tree.set(path, `${(await stat(full)).size}:${await hashFile(full)}`)
      }
    }
  }
  await walk(root)
  return tree
}

/** Throws, naming the first difference, unless `root` holds exactly `expected`. */
export async function assertSameTree (expected: Map<string, string>, root: string, what: string): Promise<void> {
  const actual = await describeTree(root)
  for (const [path, digest] of expected) {
    const got = actual.get(path)
    if (got === undefined) throw new Error(`${what}: ${path} is missing from ${root}`)
    if (got !== digest) throw new Error(`${what}: ${path} arrived corrupt (expected size:sha256 ${digest}, got ${got})`)
  }
  for (const path of actual.keys()) {
    if (!expected.has(path)) throw new Error(`${what}: unexpected ${path} in ${root}`)
  }
}
