import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMemoryStreamPair } from './memory-stream.ts'

test('write waits while the buffer is full and resolves once the reader drains it', async () => {
  const [a, b] = createMemoryStreamPair({ bufferBytes: 10 })
  let resolved = false
  const writing = a.write(new Uint8Array(12)).then(() => { resolved = true })
  await new Promise(resolve => setImmediate(resolve))
  assert.equal(resolved, false)

  const chunk = await b[Symbol.asyncIterator]().next()
  await writing
  assert.equal(chunk.done, false)
  assert.equal(chunk.value?.byteLength, 12)
  assert.equal(resolved, true)
})

test('bytes arrive in order and the reader ends after closeWrite', async () => {
  const [a, b] = createMemoryStreamPair()
  await a.write(new Uint8Array([1, 2]))
  await a.write(new Uint8Array([3]))
  await a.closeWrite()

  const received: number[] = []
  for await (const chunk of { [Symbol.asyncIterator]: () => b[Symbol.asyncIterator]() }) received.push(...chunk.subarray())
  assert.deepEqual(received, [1, 2, 3])
  await assert.rejects(a.write(new Uint8Array([4])))
})

test('abort drops queued bytes and fails both ends, the remote with a reset', async () => {
  const [a, b] = createMemoryStreamPair({ bufferBytes: 4 })
  const blocked = a.write(new Uint8Array(8))
  const reading = a[Symbol.asyncIterator]().next()
  a.abort(new Error('local failure'))

  await assert.rejects(blocked, /local failure/)
  await assert.rejects(reading, /local failure/)
  await assert.rejects(b[Symbol.asyncIterator]().next(), /reset/)
  await assert.rejects(b.write(new Uint8Array(1)), /reset/)
})
