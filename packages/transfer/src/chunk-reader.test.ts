import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { appendFile, mkdir, mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAppError, type ManifestEntry } from '@p2pft/protocol'
import { readChunks } from './chunk-reader.ts'

async function tempDir (t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-chunks-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function entryFor (path: string): Promise<ManifestEntry> {
  const stats = await stat(path)
  return { path: 'f.bin', kind: 'file', size: stats.size, mtimeMs: stats.mtimeMs }
}

test('yields the file in chunk-sized buffers that stay valid after the next read', async (t) => {
  const path = join(await tempDir(t), 'f.bin')
  const data = randomBytes(50_000)
  await writeFile(path, data)

  const chunks: Uint8Array[] = []
  for await (const chunk of readChunks(path, await entryFor(path), 16_384)) chunks.push(chunk)

  assert.deepEqual(chunks.map(chunk => chunk.byteLength), [16_384, 16_384, 16_384, 848])
  // Had a buffer been reused for the next chunk, the ones kept here would have changed.
  assert.ok(Buffer.concat(chunks).equals(data))
})

test('a file that changed since the manifest is TRANSFER_SOURCE_CHANGED', async (t) => {
  const path = join(await tempDir(t), 'f.bin')
  await writeFile(path, randomBytes(1000))
  const entry = await entryFor(path)
  await truncate(path, 10)

  await assert.rejects(async () => { for await (const _ of readChunks(path, entry, 16_384)); }, (err: unknown) => isAppError(err, 'TRANSFER_SOURCE_CHANGED'))
})

test('a file that vanished is TRANSFER_SOURCE_CHANGED', async (t) => {
  const path = join(await tempDir(t), 'f.bin')
  await writeFile(path, 'x')
  const entry = await entryFor(path)
  await rm(path)

  await assert.rejects(async () => { for await (const _ of readChunks(path, entry, 16_384)); }, (err: unknown) => isAppError(err, 'TRANSFER_SOURCE_CHANGED'))
})

test('a consumer that stops early ends cleanly, even when the chunk read ahead fails', async (t) => {
  const path = join(await tempDir(t), 'f.bin')
  await writeFile(path, randomBytes(50_000))
  const entry = await entryFor(path)
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason) }
  process.on('unhandledRejection', onUnhandled)
  t.after(() => process.off('unhandledRejection', onUnhandled))

  const seen: number[] = []
  for await (const chunk of readChunks(path, entry, 16_384)) {
    seen.push(chunk.byteLength)
    await truncate(path, 100)
    break
  }
  await new Promise(resolve => setImmediate(resolve))

  assert.deepEqual(seen, [16_384])
  assert.deepEqual(unhandled, [])
})

test('a file that grew, or a folder put in its place, since the manifest is TRANSFER_SOURCE_CHANGED', async (t) => {
  const dir = await tempDir(t)
  const grown = join(dir, 'grown.bin')
  await writeFile(grown, randomBytes(1000))
  const grownEntry = await entryFor(grown)
  await appendFile(grown, 'more')
  const replaced = join(dir, 'replaced.bin')
  await writeFile(replaced, randomBytes(1000))
  const replacedEntry = await entryFor(replaced)
  await rm(replaced)
  await mkdir(replaced)
  const emptied = join(dir, 'empty.bin')
  await writeFile(emptied, '')
  const emptyEntry = await entryFor(emptied)
  await writeFile(emptied, 'no longer empty')

  for (const [path, entry] of [[grown, grownEntry], [replaced, replacedEntry], [emptied, emptyEntry]] as const) {
    await assert.rejects(async () => { for await (const _ of readChunks(path, entry, 16_384)); }, (err: unknown) => isAppError(err, 'TRANSFER_SOURCE_CHANGED'))
  }
})
