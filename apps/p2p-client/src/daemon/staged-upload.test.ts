import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { AppError } from '@p2pft/protocol'
import { buildManifest } from '@p2pft/transfer'
import { createStagedUpload } from './staged-upload.ts'

const FILES = [
  { path: 'notes.txt', size: 5 },
  { path: 'album/z.jpg', size: 3 },
  { path: 'album/a/deep.bin', size: 0 },
  { path: 'album/b.jpg', size: 4 }
]

test('the offer of a staged upload is what buildManifest reads from the finished folder, so a Resume after a restart is the same transfer', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-staged-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const staged = createStagedUpload(FILES, dir, { nowMs: 1_700_000_000_123 })
  for (const file of FILES) {
    await mkdir(dirname(join(dir, file.path)), { recursive: true })
    await writeFile(join(dir, file.path), Buffer.alloc(file.size, 1))
  }
  await staged.complete()
  const fromDisk = await buildManifest(staged.paths)
  assert.deepEqual(staged.manifest.entries, fromDisk.entries)
  assert.deepEqual(staged.manifest.entries.map(entry => entry.path), ['notes.txt', 'album', 'album/a', 'album/a/deep.bin', 'album/b.jpg', 'album/z.jpg'])
  assert.equal(staged.manifest.totalBytes, 12)
})

test('a reader waits for the bytes of its file to arrive, and fails when the upload breaks off', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-staged-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const files = [{ path: 'a.bin', size: 6 }, { path: 'b.bin', size: 4 }]
  const staged = createStagedUpload(files, dir, { nowMs: 0 })
  const [first, second] = staged.manifest.entries
  assert.ok(first !== undefined && second !== undefined)

  const chunks: string[] = []
  const reading = (async () => {
    for await (const chunk of staged.readChunks(join(dir, 'a.bin'), first, 4)) chunks.push(Buffer.from(chunk).toString())
  })()
  await writeFile(join(dir, 'a.bin'), 'abcd')
  staged.progress(4)
  await new Promise(resolve => setTimeout(resolve, 20))
  assert.deepEqual(chunks, ['abcd'], 'the first chunk is read as soon as it is there, not the second')
  await appendFile(join(dir, 'a.bin'), 'ef')
  staged.progress(6)
  await reading
  assert.deepEqual(chunks, ['abcd', 'ef'])

  const waiting = (async () => { for await (const chunk of staged.readChunks(join(dir, 'b.bin'), second, 4)) chunks.push(Buffer.from(chunk).toString()) })()
  staged.fail(new AppError('API_UPLOAD_FAILED', 'the upload stopped early'))
  await assert.rejects(waiting, { code: 'API_UPLOAD_FAILED' })
  assert.equal(chunks.length, 2, 'nothing of b.bin was read')
})

test('a name used as a file and as a folder is refused before anything is sent', () => {
  assert.throws(() => createStagedUpload([{ path: 'a', size: 1 }, { path: 'a/b', size: 1 }], '/nowhere', { nowMs: 0 }), { code: 'API_INVALID_REQUEST' })
})
