import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findUploadPathProblem, readUploadManifest, receiveUpload } from './upload-receiver.ts'

async function * pieces (...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part)
}

test('splits one body into files, folders and empty files, across chunk boundaries', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-upload-'))
  try {
    const sizes: number[] = []
    const paths = await receiveUpload({
      body: pieces('hel', 'lowor', 'ld!'),
      files: [{ path: 'a.txt', size: 5 }, { path: 'empty', size: 0 }, { path: 'folder/b.txt', size: 6 }],
      dir,
      onBytes: (n) => { sizes.push(n) },
      signal: new AbortController().signal
    })
    assert.deepEqual(paths, [join(dir, 'a.txt'), join(dir, 'empty'), join(dir, 'folder')])
    assert.equal(await readFile(join(dir, 'a.txt'), 'utf8'), 'hello')
    assert.equal(await readFile(join(dir, 'empty'), 'utf8'), '')
    assert.equal(await readFile(join(dir, 'folder', 'b.txt'), 'utf8'), 'world!')
    assert.deepEqual(sizes, [3, 8, 11])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('fails when the body is shorter or longer than announced', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-upload-'))
  try {
    const signal = new AbortController().signal
    await assert.rejects(receiveUpload({ body: pieces('abc'), files: [{ path: 'short', size: 5 }], dir, onBytes: () => {}, signal }), { code: 'API_UPLOAD_FAILED' })
    await assert.rejects(receiveUpload({ body: pieces('abcdef'), files: [{ path: 'long', size: 5 }], dir, onBytes: () => {}, signal }), { code: 'API_UPLOAD_FAILED' })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('refuses names that would leave the upload folder', () => {
  for (const bad of ['../x', '/etc/passwd', 'a//b', 'C:x', 'a\\b', './a']) assert.ok(findUploadPathProblem(bad) !== undefined, bad)
  assert.equal(findUploadPathProblem('photos/2024/a b.jpg'), undefined)
})

test('reads the file list from the first line, however the body is split', async () => {
  const { files, rest } = await readUploadManifest(pieces('[{"path":"a","si', 'ze":3}]\nab', 'c'))
  assert.deepEqual(files, [{ path: 'a', size: 3 }])
  const bytes: string[] = []
  for await (const chunk of rest) bytes.push(Buffer.from(chunk).toString())
  assert.equal(bytes.join(''), 'abc')
  await assert.rejects(readUploadManifest(pieces('[{"path":"a"')), { code: 'API_UPLOAD_FAILED' })
  await assert.rejects(readUploadManifest(pieces('[]\n')), { code: 'API_INVALID_REQUEST' })
})
