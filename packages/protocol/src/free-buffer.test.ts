import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freeBuffer } from './free-buffer.ts'

test('frees a buffer that is the whole of its memory', () => {
  const data = new Uint8Array(4096)
  freeBuffer(data)
  assert.equal(data.byteLength, 0)
  assert.equal(data.buffer.byteLength, 0)
})

test('leaves a slice of shared memory, and the rest of that memory, alone', () => {
  const memory = new Uint8Array(4096).fill(1)
  const slice = memory.subarray(0, 1024)
  freeBuffer(slice)
  assert.equal(slice.byteLength, 1024)
  assert.equal(memory.byteLength, 4096)
  assert.equal(memory[4095], 1)
})
