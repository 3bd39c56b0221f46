import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAppError } from '@p2pft/protocol'
import { buildManifest } from './manifest-builder.ts'

async function tempDir (t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-manifest-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test('a chosen file becomes its base name; a chosen folder lists itself before its sorted contents', async (t) => {
  const dir = await tempDir(t)
  await writeFile(join(dir, 'single.txt'), 'abc')
  await mkdir(join(dir, 'photos', 'b', 'empty'), { recursive: true })
  await writeFile(join(dir, 'photos', 'z.jpg'), '12345')
  await writeFile(join(dir, 'photos', 'b', 'a.jpg'), '')

  const manifest = await buildManifest([join(dir, 'single.txt'), join(dir, 'photos')])

  assert.deepEqual(manifest.entries.map(entry => `${entry.kind}:${entry.path}:${entry.size}`), [
    'file:single.txt:3',
    'directory:photos:0',
    'directory:photos/b:0',
    'file:photos/b/a.jpg:0',
    'directory:photos/b/empty:0',
    'file:photos/z.jpg:5'
  ])
  assert.equal(manifest.totalBytes, 8)
  assert.equal(manifest.sources[5], join(dir, 'photos', 'z.jpg'))
})

test('symlinks inside a chosen folder are skipped, never followed', async (t) => {
  const dir = await tempDir(t)
  const outside = await tempDir(t)
  await writeFile(join(outside, 'secret.txt'), 'secret')
  await mkdir(join(dir, 'share'))
  await writeFile(join(dir, 'share', 'ok.txt'), 'ok')
  await symlink(join(outside, 'secret.txt'), join(dir, 'share', 'link.txt'))
  await symlink(outside, join(dir, 'share', 'link-dir'))

  const manifest = await buildManifest([join(dir, 'share')])

  assert.deepEqual(manifest.entries.map(entry => entry.path), ['share', 'share/ok.txt'])
})

test('a path that does not exist is TRANSFER_SOURCE_NOT_FOUND', async (t) => {
  const dir = await tempDir(t)
  await assert.rejects(buildManifest([join(dir, 'missing')]), (err: unknown) => isAppError(err, 'TRANSFER_SOURCE_NOT_FOUND'))
})

test('two chosen paths with the same base name are TRANSFER_DUPLICATE_PATH', async (t) => {
  const dir = await tempDir(t)
  await mkdir(join(dir, 'a'))
  await mkdir(join(dir, 'b'))
  await writeFile(join(dir, 'a', 'notes.txt'), '1')
  await writeFile(join(dir, 'b', 'notes.txt'), '2')
  await assert.rejects(buildManifest([join(dir, 'a', 'notes.txt'), join(dir, 'b', 'notes.txt')]), (err: unknown) => isAppError(err, 'TRANSFER_DUPLICATE_PATH'))
})
