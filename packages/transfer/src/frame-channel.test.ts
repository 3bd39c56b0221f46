import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { AppError, encodeChunkFrame, encodeControlFrame, isAppError } from '@p2pft/protocol'
import { createFrameChannel } from './frame-channel.ts'
import { createMemoryStreamPair } from './memory-stream.ts'

const log = pino({ level: 'silent' })

test('fail tells the peer the code and message, which its read rejects with', async () => {
  const [a, b] = createMemoryStreamPair()
  const local = createFrameChannel({ stream: a, log })
  const remote = createFrameChannel({ stream: b, log })

  const failing = local.fail(new AppError('TRANSFER_NO_SPACE', 'disk full'))
  await assert.rejects(remote.read(), (err: unknown) => isAppError(err, 'TRANSFER_NO_SPACE') && err.message === 'disk full')
  await remote.fail(new Error('seen'))
  assert.equal((await failing).code, 'TRANSFER_NO_SPACE')
})

test('an abort with a code we do not know becomes TRANSFER_CANCELLED, stripped of control characters', async () => {
  const [a, b] = createMemoryStreamPair()
  const channel = createFrameChannel({ stream: b, log })
  await a.write(encodeControlFrame({ kind: 'abort', message: { code: 'TRANSFER_FROM_THE_FUTURE', message: 'bye\u001b[31m' } }))

  await assert.rejects(channel.read(), (err: unknown) =>
    isAppError(err, 'TRANSFER_CANCELLED') && err.message === 'bye [31m (peer code TRANSFER_FROM_THE_FUTURE)')
})

test('a stream that ends early, or mid-frame, is TRANSFER_PEER_GONE', async () => {
  const [a, b] = createMemoryStreamPair()
  const channel = createFrameChannel({ stream: b, log })
  await a.write(encodeControlFrame({ kind: 'done', message: {} }).subarray(0, 3))
  await a.closeWrite()
  await assert.rejects(channel.read(), (err: unknown) => isAppError(err, 'TRANSFER_PEER_GONE'))

  const [c, d] = createMemoryStreamPair()
  const other = createFrameChannel({ stream: d, log })
  await c.closeWrite()
  await assert.rejects(other.read(), (err: unknown) => isAppError(err, 'TRANSFER_PEER_GONE'))
})

test('a cancelled signal interrupts a pending read with TRANSFER_CANCELLED', async () => {
  const [, b] = createMemoryStreamPair()
  const controller = new AbortController()
  const channel = createFrameChannel({ stream: b, log }, { signal: controller.signal, abortLingerMs: 10 })

  const reading = channel.read()
  controller.abort()

  await assert.rejects(reading, (err: unknown) => isAppError(err, 'TRANSFER_CANCELLED'))
  assert.equal((await channel.fail(new Error('later'))).code, 'TRANSFER_CANCELLED')
})

test('both sides send keepalives when idle, and a peer gone silent is TRANSFER_PEER_GONE within the timeout', async () => {
  const [a, b] = createMemoryStreamPair()
  const timing = { keepaliveIntervalMs: 50, keepaliveTimeoutMs: 300, abortLingerMs: 10 }
  const local = createFrameChannel({ stream: a, log }, timing)
  const remote = createFrameChannel({ stream: b, log }, timing)

  // Idle for several timeouts: keepalives (never returned by read) keep both alive.
  const pending = remote.read()
  await new Promise(resolve => setTimeout(resolve, 700))
  await local.send({ kind: 'done', message: {} })
  assert.equal((await pending).kind, 'done')

  // Now the local side goes silent without closing (a dropped network): noticed in time.
  local.interrupt(new AppError('TRANSFER_CANCELLED', 'gone quiet'))
  const startedMs = performance.now()
  await assert.rejects(remote.read(), (err: unknown) => isAppError(err, 'TRANSFER_PEER_GONE'))
  assert.ok(performance.now() - startedMs < 1_000)
})

test('a peer that never sent a keepalive (an older version) is not timed out', async () => {
  const [a, b] = createMemoryStreamPair()
  const remote = createFrameChannel({ stream: b, log }, { keepaliveIntervalMs: 50, keepaliveTimeoutMs: 200 })
  const pending = remote.read()
  await new Promise(resolve => setTimeout(resolve, 500))
  await a.write(encodeControlFrame({ kind: 'done', message: {} }))
  assert.equal((await pending).kind, 'done')
})

test('frames sent in one turn of the event loop reach the stream as one write, in order', async () => {
  const [a, b] = createMemoryStreamPair()
  let writes = 0
  const counted = { ...a, write: async (data: Parameters<typeof a.write>[0]) => { writes++; await a.write(data) } }
  const local = createFrameChannel({ stream: counted, log })
  const remote = createFrameChannel({ stream: b, log })

  for (let fileIndex = 0; fileIndex < 3; fileIndex++) await local.send({ kind: 'file-end', message: { fileIndex, blake3: '00'.repeat(32) } })
  const frames = [await remote.read(), await remote.read(), await remote.read()]

  assert.equal(writes, 1)
  assert.deepEqual(frames.map(frame => frame.kind === 'file-end' ? frame.message.fileIndex : -1), [0, 1, 2])
})

test('a write the stream refuses stops a read waiting for the peer with TRANSFER_PEER_GONE', async () => {
  const [a] = createMemoryStreamPair()
  const refusing = { ...a, write: async () => { throw new Error('stream reset') } }
  const channel = createFrameChannel({ stream: refusing, log })

  await channel.send({ kind: 'done', message: {} })

  await assert.rejects(channel.read(), (err: unknown) => isAppError(err, 'TRANSFER_PEER_GONE'))
})

test('a stream that can free what it read gets control frames back once decoded, and chunks once released', async () => {
  const [a, b] = createMemoryStreamPair()
  const released: Uint8Array[] = []
  const channel = createFrameChannel({ stream: { ...b, release: (data) => { released.push(data) } }, log })
  const control = encodeControlFrame({ kind: 'done', message: {} })
  const chunk = encodeChunkFrame(0, 0, new Uint8Array(32), new Uint8Array([1, 2, 3])).subarray()
  await a.write(control)
  await a.write(chunk)

  assert.equal((await channel.read()).kind, 'done')
  assert.equal(released.length, 1)
  assert.equal(released[0], control)
  const frame = await channel.read()
  assert.ok(frame.kind === 'chunk' && frame.release !== undefined)
  assert.equal(released.length, 1)
  frame.release()
  frame.release()
  assert.equal(released.length, 2)
  assert.equal(released[1], chunk)
})

test('chunks read from a stream that cannot free buffers carry no release', async () => {
  const [a, b] = createMemoryStreamPair()
  const channel = createFrameChannel({ stream: b, log })
  await a.write(encodeChunkFrame(0, 0, new Uint8Array(32), new Uint8Array([1])))
  const frame = await channel.read()
  assert.ok(frame.kind === 'chunk')
  assert.equal(frame.release, undefined)
})

test('a chunk sent over a stream that keeps what it is given is never freed', async () => {
  const [a, b] = createMemoryStreamPair()
  const local = createFrameChannel({ stream: a, log })
  const remote = createFrameChannel({ stream: b, log })
  const data = new Uint8Array(64 * 1024).fill(7)

  await local.sendChunk(0, 0, new Uint8Array(32), data)
  const frame = await remote.read()

  assert.ok(frame.kind === 'chunk')
  assert.equal(data.byteLength, 64 * 1024)
  assert.deepEqual(frame.data.subarray(), new Uint8Array(64 * 1024).fill(7))
})

test('a chunk sent over a stream that copies its writes is freed once the write carrying it returned, not before', async () => {
  const [a, b] = createMemoryStreamPair()
  const data = new Uint8Array(64 * 1024).fill(7)
  const bytesAtWrite: number[] = []
  const copying = {
    ...a,
    copiesWrites: true,
    write: async (bytes: Parameters<typeof a.write>[0]) => {
      bytesAtWrite.push(data.byteLength)
      const copy = bytes.subarray().slice()
      await a.write(copy)
    }
  }
  const local = createFrameChannel({ stream: copying, log })
  const remote = createFrameChannel({ stream: b, log })

  await local.sendChunk(0, 0, new Uint8Array(32), data)
  await local.send({ kind: 'done', message: {} })
  const frame = await remote.read()

  assert.deepEqual(bytesAtWrite, [64 * 1024])
  assert.equal(data.byteLength, 0)
  assert.ok(frame.kind === 'chunk')
  assert.deepEqual(frame.data.subarray(), new Uint8Array(64 * 1024).fill(7))
  assert.equal((await remote.read()).kind, 'done')
})
