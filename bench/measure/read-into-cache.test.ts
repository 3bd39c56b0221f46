import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readIntoCache } from './read-into-cache.ts'

test('reads files of any size through, and fails on one that is missing instead of skipping it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-read-into-cache-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const sizes = [0, 1, 1024 * 1024 + 3]
  const paths = sizes.map((_size, i) => join(dir, `file-${i}`))
  await Promise.all(paths.map(async (path, i) => { await writeFile(path, Buffer.alloc(sizes[i] ?? 0, 7)) }))

  await readIntoCache(paths)
  await assert.rejects(readIntoCache([...paths, join(dir, 'missing')]), { code: 'ENOENT' })
})
