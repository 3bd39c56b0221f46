import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, open, readdir, readFile, readlink, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { Uint8ArrayList } from 'uint8arraylist'
import { blake3 } from '@napi-rs/blake-hash'
import { isAppError, type ManifestEntry } from '@p2pft/protocol'
import { DIRECT_WRITE_MIN_BYTES } from './constants.ts'
import { createFileWriter, type FileWriter } from './file-writer.ts'
import { createFolderGuard } from './folder-guard.ts'

const log = pino({ level: 'silent' })

async function tempDir (t: TestContext): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'p2pft-writer-')))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function writerFor (dir: string, entry: ManifestEntry): Promise<FileWriter> {
  return await createFileWriter({ log }, { root: dir, dir, relativeDir: '', name: entry.path, entry, chunkSizeBytes: 16_384, sync: false })
}

test('saves a verified file under a numbered name when its name is taken, touching neither the file nor a planted .part', async (t) => {
  const dir = await tempDir(t)
  await writeFile(join(dir, 'a.txt'), 'old')
  await symlink('/nonexistent/target', join(dir, 'a.txt.part'))
  const data = randomBytes(20_000)
  const entry: ManifestEntry = { path: 'a.txt', kind: 'file', size: data.byteLength, mtimeMs: Date.UTC(2010, 0, 1) }

  const writer = await writerFor(dir, entry)
  await writer.write(0, blake3(data.subarray(0, 16_384)), new Uint8ArrayList(data.subarray(0, 10_000), data.subarray(10_000, 16_384)))
  await writer.write(1, blake3(data.subarray(16_384)), new Uint8ArrayList(data.subarray(16_384)))
  const saved = await writer.finish(blake3(data).toString('hex'))

  assert.equal(saved.path, 'a (1).txt')
  assert.ok((await readFile(join(dir, 'a (1).txt'))).equals(data))
  assert.equal((await stat(join(dir, 'a (1).txt'))).mtimeMs, Date.UTC(2010, 0, 1))
  assert.equal(await readFile(join(dir, 'a.txt'), 'utf8'), 'old')
  assert.equal(await readlink(join(dir, 'a.txt.part')), '/nonexistent/target')
  assert.deepEqual((await readdir(dir)).sort(), ['a (1).txt', 'a.txt', 'a.txt.part'])
})

test('refuses chunks out of order, a failed whole-file hash and a short file', async (t) => {
  const dir = await tempDir(t)
  const data = randomBytes(100)
  const entry: ManifestEntry = { path: 'b.bin', kind: 'file', size: 200, mtimeMs: 0 }

  const outOfOrder = await writerFor(dir, entry)
  await assert.rejects(outOfOrder.write(1, blake3(data), new Uint8ArrayList(data)), (err: unknown) => isAppError(err, 'PROTOCOL_UNEXPECTED_MESSAGE'))
  await outOfOrder.discard()

  const short = await writerFor(dir, entry)
  await short.write(0, blake3(data), new Uint8ArrayList(data))
  await assert.rejects(short.finish(blake3(data).toString('hex')), (err: unknown) => isAppError(err, 'TRANSFER_SIZE_MISMATCH'))
  await short.discard()

  const wrongHash = await writerFor(dir, { ...entry, size: 100 })
  await wrongHash.write(0, blake3(data), new Uint8ArrayList(data))
  await assert.rejects(wrongHash.finish('0'.repeat(64)), (err: unknown) => isAppError(err, 'TRANSFER_HASH_MISMATCH'))
  await wrongHash.discard()

  assert.deepEqual(await readdir(dir), [])
})

test('a folder leading outside the download folder is refused before anything is created', async (t) => {
  const root = await tempDir(t)
  const outside = await tempDir(t)
  await symlink(outside, join(root, 'escape'))
  const entry: ManifestEntry = { path: 'escape/x', kind: 'file', size: 1, mtimeMs: 0 }

  await assert.rejects(
    createFileWriter({ log }, { root, dir: join(root, 'escape'), relativeDir: 'escape', name: 'x', entry, chunkSizeBytes: 16_384 }),
    (err: unknown) => isAppError(err, 'TRANSFER_WRITE_FAILED')
  )
  assert.deepEqual(await readdir(outside), [])
})

test('a file of one chunk, synced as it is written, is still held to its whole-file hash', async (t) => {
  const dir = await tempDir(t)
  const data = randomBytes(5_000)
  const entry: ManifestEntry = { path: 'one.bin', kind: 'file', size: data.byteLength, mtimeMs: Date.UTC(2011, 5, 1) }
  const options = { root: dir, dir, relativeDir: '', name: entry.path, entry, chunkSizeBytes: 16_384, sync: true }

  const refused = await createFileWriter({ log }, options)
  await refused.write(0, blake3(data), new Uint8ArrayList(data))
  await assert.rejects(refused.finish('0'.repeat(64)), (err: unknown) => isAppError(err, 'TRANSFER_HASH_MISMATCH'))
  await refused.discard()

  const writer = await createFileWriter({ log }, options)
  await writer.write(0, blake3(data), new Uint8ArrayList(data))
  const saved = await writer.finish(blake3(data).toString('hex'))

  assert.deepEqual(saved, { path: 'one.bin', absolutePath: join(dir, 'one.bin'), size: data.byteLength, blake3: blake3(data).toString('hex') })
  assert.ok((await readFile(join(dir, 'one.bin'))).equals(data))
  assert.equal((await stat(join(dir, 'one.bin'))).mtimeMs, Date.UTC(2011, 5, 1))
  assert.deepEqual(await readdir(dir), ['one.bin'])
})

test('a small file sent in several chunks is checked against the hash of all of them, not the last', async (t) => {
  const dir = await tempDir(t)
  const data = randomBytes(100)
  const [head, tail] = [data.subarray(0, 60), data.subarray(60)]
  const entry: ManifestEntry = { path: 'split.bin', kind: 'file', size: data.byteLength, mtimeMs: 0 }

  const lastOnly = await writerFor(dir, entry)
  await lastOnly.write(0, blake3(head), new Uint8ArrayList(head))
  await lastOnly.write(1, blake3(tail), new Uint8ArrayList(tail))
  await assert.rejects(lastOnly.finish(blake3(tail).toString('hex')), (err: unknown) => isAppError(err, 'TRANSFER_HASH_MISMATCH'))
  await lastOnly.discard()

  const whole = await writerFor(dir, entry)
  await whole.write(0, blake3(head), new Uint8ArrayList(head))
  await whole.write(1, blake3(tail), new Uint8ArrayList(tail))
  assert.equal((await whole.finish(blake3(data).toString('hex'))).blake3, blake3(data).toString('hex'))
  assert.ok((await readFile(join(dir, 'split.bin'))).equals(data))
})

test('writers sharing a folder guard each refuse a folder leading outside', async (t) => {
  const root = await tempDir(t)
  const outside = await tempDir(t)
  await symlink(outside, join(root, 'escape'))
  const folders = createFolderGuard(root)

  for (const name of ['x', 'y']) {
    const entry: ManifestEntry = { path: `escape/${name}`, kind: 'file', size: 1, mtimeMs: 0 }
    await assert.rejects(
      createFileWriter({ log }, { root, folders, dir: join(root, 'escape'), relativeDir: 'escape', name, entry, chunkSizeBytes: 16_384 }),
      (err: unknown) => isAppError(err, 'TRANSFER_WRITE_FAILED')
    )
  }
  assert.deepEqual(await readdir(outside), [])
})

test('a folder swapped for a symlink after its first file is refused, before creating and before placing a file', async (t) => {
  const root = await tempDir(t)
  const outside = await tempDir(t)
  const sub = join(root, 'sub')
  await mkdir(sub)
  const folders = createFolderGuard(root)
  const writerIn = async (name: string, data: Uint8Array): Promise<FileWriter> => {
    const entry: ManifestEntry = { path: `sub/${name}`, kind: 'file', size: data.byteLength, mtimeMs: 0 }
    return await createFileWriter({ log }, { root, folders, dir: sub, relativeDir: 'sub', name, entry, chunkSizeBytes: 16_384, sync: false })
  }
  const swapForSymlink = async (): Promise<void> => {
    await rename(sub, join(root, `moved-${Date.now()}`))
    await symlink(outside, sub)
  }
  const data = randomBytes(100)

  const first = await writerIn('first.bin', data)
  await first.write(0, blake3(data), new Uint8ArrayList(data))
  await first.finish(blake3(data).toString('hex'))
  const placing = await writerIn('placing.bin', data)
  await placing.write(0, blake3(data), new Uint8ArrayList(data))
  await swapForSymlink()

  await assert.rejects(placing.finish(blake3(data).toString('hex')), (err: unknown) => isAppError(err, 'TRANSFER_WRITE_FAILED'))
  await assert.rejects(writerIn('created.bin', data), (err: unknown) => isAppError(err, 'TRANSFER_WRITE_FAILED'))
  assert.deepEqual(await readdir(outside), [])
})

test('a big file written past the page cache, released, damaged and resumed, arrives whole with its unaligned tail', async (t) => {
  const dir = await tempDir(t)
  const chunkSize = 1024 * 1024
  const data = randomBytes(DIRECT_WRITE_MIN_BYTES + 1000)
  const chunks = Array.from({ length: Math.ceil(data.byteLength / chunkSize) }, (_unused, i) => data.subarray(i * chunkSize, (i + 1) * chunkSize))
  const hashes = chunks.map(chunk => blake3(chunk))
  const entry: ManifestEntry = { path: 'big.bin', kind: 'file', size: data.byteLength, mtimeMs: 0 }
  const options = { root: dir, dir, relativeDir: '', name: entry.path, entry, chunkSizeBytes: chunkSize }
  // Each chunk in two slices, the first of an odd length, as chunks come off the network.
  const slices = (chunk: Buffer): Uint8ArrayList => new Uint8ArrayList(chunk.subarray(0, 333), chunk.subarray(333))

  const first = await createFileWriter({ log }, options)
  for (let i = 0; i < 3; i++) await first.write(i, hashes[i] ?? Buffer.alloc(0), slices(chunks[i] ?? Buffer.alloc(0)))
  await first.release()
  assert.ok((await readFile(join(dir, first.partName))).equals(data.subarray(0, 3 * chunkSize)))
  const part = await open(join(dir, first.partName), 'r+')
  await part.write(Buffer.from('damage'), 0, 6, chunkSize + 10)
  await part.close()

  const resumed = await createFileWriter({ log }, { ...options, resume: { partName: first.partName, chunkHashes: hashes.slice(0, 3) } })
  assert.equal(resumed.verifiedChunks, 1, 'kept only the chunk before the damaged one')
  for (let i = 1; i < chunks.length; i++) await resumed.write(i, hashes[i] ?? Buffer.alloc(0), slices(chunks[i] ?? Buffer.alloc(0)))
  const saved = await resumed.finish(blake3(data).toString('hex'))

  assert.equal(saved.size, data.byteLength)
  assert.ok((await readFile(join(dir, 'big.bin'))).equals(data))
  assert.deepEqual(await readdir(dir), ['big.bin'])
})
