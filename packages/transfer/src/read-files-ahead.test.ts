import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from '@p2pft/protocol'
import { readFilesAhead, type FileToRead } from './read-files-ahead.ts'

function filesOfSizes (sizes: number[]): FileToRead[] {
  return sizes.map((size, fileIndex) => ({ fileIndex, entry: { path: `f${fileIndex}`, kind: 'file', size, mtimeMs: 0 } }))
}

async function * chunksOf (file: FileToRead, chunkSizeBytes: number): AsyncGenerator<Uint8Array> {
  for (let left = file.entry.size; left > 0; left -= chunkSizeBytes) yield new Uint8Array(Math.min(left, chunkSizeBytes)).fill(file.fileIndex)
}

test('yields every file in order with its bytes, reading small files ahead within the file limit', async () => {
  const files = filesOfSizes([10, 10, 10, 100, 10, 10])
  const started: number[] = []
  const read = (file: FileToRead): AsyncIterable<Uint8Array> => { started.push(file.fileIndex); return chunksOf(file, 50) }

  const seen: Array<{ fileIndex: number, bytes: number[] }> = []
  const startedWhenFirstYielded: number[][] = []
  for await (const { file, chunks } of readFilesAhead(files, { read, chunkSizeBytes: 50, maxFiles: 2 })) {
    startedWhenFirstYielded.push([...started])
    const bytes: number[] = []
    for await (const chunk of chunks) bytes.push(...chunk)
    seen.push({ fileIndex: file.fileIndex, bytes })
  }

  assert.deepEqual(seen.map(file => file.fileIndex), [0, 1, 2, 3, 4, 5])
  for (const file of seen) assert.ok(file.bytes.length === files[file.fileIndex]?.entry.size && file.bytes.every(byte => byte === file.fileIndex))
  // While file 0 is sent, files 1 and 2 are being read (two at most); the big file 3 is streamed in its turn.
  assert.deepEqual(startedWhenFirstYielded[0]?.toSorted((a, b) => a - b), [0, 1, 2])
  assert.deepEqual(started.toSorted((a, b) => a - b), [0, 1, 2, 3, 4, 5])
})

test('a failed read ahead surfaces when its file\'s turn comes, not before', async () => {
  const files = filesOfSizes([10, 10, 10])
  const read = (file: FileToRead): AsyncIterable<Uint8Array> => file.fileIndex === 2
    ? (async function * () { yield * []; throw new AppError('TRANSFER_SOURCE_CHANGED', 'f2 changed') })()
    : chunksOf(file, 50)

  const sent: number[] = []
  await assert.rejects(async () => {
    for await (const { file, chunks } of readFilesAhead(files, { read, chunkSizeBytes: 50 })) {
      for await (const _ of chunks);
      sent.push(file.fileIndex)
    }
  }, /f2 changed/)
  assert.deepEqual(sent, [0, 1])
})
