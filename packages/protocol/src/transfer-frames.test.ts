import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameDecoder, encodeChunkFrame, encodeControlFrame, FRAME_HEADER_BYTES } from './transfer-frames.ts'
import { isAppError } from './app-error.ts'
import { MAX_CHUNK_SIZE_BYTES } from './constants.ts'

const offer = {
  transferId: 'abcdefgh1234',
  senderName: 'Alice',
  chunkSizeBytes: 1024 * 1024,
  totalBytes: 3,
  entries: [{ path: 'a.txt', kind: 'file' as const, size: 3, mtimeMs: 1 }]
}

test('decodes control and chunk frames split at every byte boundary', () => {
  const hash = new Uint8Array(32).fill(7)
  const wire = new Uint8ArrayList(
    encodeControlFrame({ kind: 'offer', message: offer }),
    encodeChunkFrame(2, 5, hash, new Uint8Array([1, 2, 3])),
    encodeControlFrame({ kind: 'done', message: {} })
  ).subarray()
  const decoder = new FrameDecoder()
  const frames = []
  for (const byte of wire) {
    decoder.push(new Uint8Array([byte]))
    for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) frames.push(frame)
  }
  assert.deepEqual(frames.map(f => f.kind), ['offer', 'chunk', 'done'])
  assert.deepEqual(frames[0], { kind: 'offer', message: offer })
  const chunk = frames[1]
  assert.ok(chunk?.kind === 'chunk')
  assert.equal(chunk.fileIndex, 2)
  assert.equal(chunk.chunkIndex, 5)
  assert.deepEqual(chunk.blake3, hash)
  assert.deepEqual(chunk.data.subarray(), new Uint8Array([1, 2, 3]))
  assert.equal(decoder.bufferedBytes, 0)
})

test('skips frames of unknown type', () => {
  const unknown = new Uint8Array([0, 0, 0, 2, 200, 9, 9])
  const decoder = new FrameDecoder()
  decoder.push(unknown)
  decoder.push(encodeControlFrame({ kind: 'done', message: {} }))
  assert.equal(decoder.next()?.kind, 'done')
})

test('rejects an oversized chunk header before buffering its body', () => {
  const header = new Uint8Array(FRAME_HEADER_BYTES)
  new DataView(header.buffer).setUint32(0, MAX_CHUNK_SIZE_BYTES + 1000)
  header[4] = 3
  const decoder = new FrameDecoder()
  decoder.push(header)
  assert.throws(() => decoder.next(), (err: unknown) => isAppError(err, 'PROTOCOL_MESSAGE_TOO_LARGE'))
})

test('rejects a control frame that is not valid JSON of its schema', () => {
  const body = new TextEncoder().encode('{"accepted":"yes"}')
  const frame = new Uint8Array(FRAME_HEADER_BYTES + body.byteLength)
  new DataView(frame.buffer).setUint32(0, body.byteLength)
  frame[4] = 2
  frame.set(body, FRAME_HEADER_BYTES)
  const decoder = new FrameDecoder()
  decoder.push(frame)
  assert.throws(() => decoder.next(), (err: unknown) => isAppError(err, 'PROTOCOL_INVALID_MESSAGE'))
})

test('keepalive, chunk-ack and an offer-response with resume points round-trip', () => {
  const response = {
    accepted: true,
    flowWindowBytes: 8 * 1024 * 1024,
    resume: [{ fileIndex: 0, verifiedChunks: 3, complete: true, blake3: 'a'.repeat(64) }, { fileIndex: 2, verifiedChunks: 7 }]
  }
  const decoder = new FrameDecoder()
  decoder.push(encodeControlFrame({ kind: 'keepalive', message: {} }))
  decoder.push(encodeControlFrame({ kind: 'chunk-ack', message: { bytes: 42 } }))
  decoder.push(encodeControlFrame({ kind: 'offer-response', message: response }))
  assert.deepEqual(decoder.next(), { kind: 'keepalive', message: {} })
  assert.deepEqual(decoder.next(), { kind: 'chunk-ack', message: { bytes: 42 } })
  assert.deepEqual(decoder.next(), { kind: 'offer-response', message: response })
})

test('a resume point with a negative chunk count is PROTOCOL_INVALID_MESSAGE', () => {
  const decoder = new FrameDecoder()
  decoder.push(encodeControlFrame({ kind: 'offer-response', message: { accepted: true, resume: [{ fileIndex: 0, verifiedChunks: -1 }] } }))
  assert.throws(() => decoder.next(), (err: unknown) => isAppError(err, 'PROTOCOL_INVALID_MESSAGE'))
})

test("a chunk frame's hash is its own copy: the bytes it arrived in can be freed once decoded", () => {
  const hash = new Uint8Array(32).fill(9)
  const wire = encodeChunkFrame(0, 0, hash, new Uint8Array([4, 5])).subarray()
  const decoder = new FrameDecoder()
  decoder.push(wire)
  const frame = decoder.next()
  assert.ok(frame?.kind === 'chunk')
  wire.fill(0)
  assert.deepEqual(frame.blake3, hash)
  assert.deepEqual(frame.data.subarray(), new Uint8Array([0, 0]))
})
