import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { Uint8ArrayList } from 'uint8arraylist'
import { MAX_LANE_RECORD_PLAINTEXT_BYTES, freeBuffer, isAppError } from '@p2pft/protocol'
import type { ByteStream } from '@p2pft/transfer'
import { deriveLaneKeys } from './lane-keys.ts'
import { createSealedSocketStream } from './sealed-socket-stream.ts'

const MIB = 1024 * 1024

/** A connected pair of half-open TCP sockets on 127.0.0.1, optionally through `relay` (which sees every byte from a to b). */
async function socketPair (relay?: (data: Buffer, toB: Socket) => void): Promise<{ a: Socket, b: Socket, close: () => void }> {
  const server: Server = createServer({ allowHalfOpen: true })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const a = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
  await once(a, 'connect')
  const [serverSide] = await accepted
  if (relay === undefined) return { a, b: serverSide, close: () => { a.destroy(); serverSide.destroy(); server.close() } }
  // a → serverSide is tampered with on the way to b, over a second loopback connection.
  const inner: Server = createServer({ allowHalfOpen: true })
  inner.listen(0, '127.0.0.1')
  await once(inner, 'listening')
  const innerAddress = inner.address()
  const innerAccepted = once(inner, 'connection') as Promise<[Socket]>
  const toB = connect({ host: '127.0.0.1', port: typeof innerAddress === 'object' && innerAddress !== null ? innerAddress.port : 0, allowHalfOpen: true })
  await once(toB, 'connect')
  const [b] = await innerAccepted
  serverSide.on('data', (data: Buffer) => { relay(data, toB) })
  serverSide.on('end', () => { toB.end() })
  return { a, b, close: () => { for (const s of [a, b, serverSide, toB]) s.destroy(); server.close(); inner.close() } }
}

function lanePair (a: Socket, b: Socket): { sender: ReturnType<typeof createSealedSocketStream>, receiver: ReturnType<typeof createSealedSocketStream> } {
  const secret = randomBytes(32)
  const ticket = randomBytes(16)
  return {
    sender: createSealedSocketStream(a, deriveLaneKeys(secret, ticket, 'sender')),
    receiver: createSealedSocketStream(b, deriveLaneKeys(secret, ticket, 'receiver'), { sendReady: true })
  }
}

async function readAll (stream: ByteStream): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of stream) parts.push(Buffer.from(part instanceof Uint8ArrayList ? part.subarray() : part))
  return Buffer.concat(parts)
}

test('bytes written on one end arrive intact and in order, both ways, and a close ends the reader', async () => {
  const { a, b, close } = await socketPair()
  try {
    const { sender, receiver } = lanePair(a, b)
    await sender.ready
    const big = randomBytes(3 * MAX_LANE_RECORD_PLAINTEXT_BYTES + 12_345)
    const list = new Uint8ArrayList(randomBytes(10), randomBytes(MIB), randomBytes(7))
    const received = readAll(receiver)
    await sender.write(Buffer.from('first'))
    await sender.write(big)
    await sender.write(list)
    await sender.closeWrite()
    assert.deepEqual(await received, Buffer.concat([Buffer.from('first'), big, list.subarray()]))

    const back = readAll(sender)
    await receiver.write(Buffer.from('verdict'))
    await receiver.closeWrite()
    assert.equal((await back).toString(), 'verdict')
  } finally {
    close()
  }
})

test('a changed byte on the way fails the reader with PROTOCOL_INVALID_MESSAGE and hands on nothing of that record', async () => {
  let seen = 0
  const { a, b, close } = await socketPair((data, toB) => {
    // Flip one byte well inside the second data record (after the ready exchange and the first record).
    const at = 2 * MIB + 100 - seen
    if (at >= 0 && at < data.byteLength) data[at] = (data[at] ?? 0) ^ 0x01
    seen += data.byteLength
    toB.write(data)
  })
  try {
    const { sender, receiver } = lanePair(a, b)
    const payload = randomBytes(4 * MIB)
    const received: Buffer[] = []
    const reading = (async () => { for await (const part of receiver) received.push(Buffer.from(part as Uint8Array)) })()
    sender.write(payload).catch(() => {})
    await assert.rejects(reading, (err: unknown) => isAppError(err, 'PROTOCOL_INVALID_MESSAGE'))
    const got = Buffer.concat(received)
    assert.ok(got.byteLength < 2 * MIB, 'nothing from the damaged record on was handed on')
    assert.deepEqual(got, payload.subarray(0, got.byteLength), 'what was handed on is what was sent')
  } finally {
    close()
  }
})

test('a connection that ends without the close record is a cut lane (TRANSFER_PEER_GONE), not a clean end', async () => {
  const { a, b, close } = await socketPair()
  try {
    const { sender, receiver } = lanePair(a, b)
    await sender.write(Buffer.from('partial'))
    a.end() // FIN straight on the socket: what a cut-off connection (or an attacker truncating it) looks like
    await assert.rejects(readAll(receiver), (err: unknown) => isAppError(err, 'TRANSFER_PEER_GONE'))
  } finally {
    close()
  }
})

test('records sealed with other keys are refused', async () => {
  const { a, b, close } = await socketPair()
  try {
    const sender = createSealedSocketStream(a, deriveLaneKeys(randomBytes(32), randomBytes(16), 'sender'))
    const receiver = createSealedSocketStream(b, deriveLaneKeys(randomBytes(32), randomBytes(16), 'receiver'))
    await sender.write(Buffer.from('hello'))
    await assert.rejects(readAll(receiver), (err: unknown) => isAppError(err, 'PROTOCOL_INVALID_MESSAGE'))
  } finally {
    close()
  }
})

test('a replayed record is refused: each record is bound to its place in the stream', async () => {
  let firstRecord: Buffer | undefined
  const { a, b, close } = await socketPair((data, toB) => {
    toB.write(data)
    if (firstRecord === undefined) {
      firstRecord = Buffer.from(data)
      toB.write(firstRecord) // the same record again
    }
  })
  try {
    const { sender, receiver } = lanePair(a, b)
    await sender.write(Buffer.from('pay 10'))
    const received: Buffer[] = []
    await assert.rejects((async () => { for await (const part of receiver) received.push(Buffer.from(part as Uint8Array)) })(),
      (err: unknown) => isAppError(err, 'PROTOCOL_INVALID_MESSAGE'))
    assert.equal(Buffer.concat(received).toString(), 'pay 10', 'the original arrived once')
  } finally {
    close()
  }
})

test('a reader that does not read holds the writer back: buffering stays bounded', async () => {
  const { a, b, close } = await socketPair()
  try {
    const { sender } = lanePair(a, b)
    let written = 0
    const piece = randomBytes(MIB)
    const writing = (async () => {
      for (let i = 0; i < 256; i++) {
        await sender.write(piece)
        written += piece.byteLength
      }
    })()
    writing.catch(() => {})
    // Nobody reads on b; give the writer every chance to run ahead.
    await new Promise(resolve => setTimeout(resolve, 1_000))
    assert.ok(written < 64 * MIB, `the writer was held back (got ${written / MIB} MiB out)`)
  } finally {
    close()
  }
})

test('a released plaintext buffer is freed at once; buffers the stream did not hand out are left alone', async () => {
  const { a, b, close } = await socketPair()
  try {
    const { sender, receiver } = lanePair(a, b)
    await sender.ready
    const sent = randomBytes(MIB)
    await sender.write(sent)
    await sender.closeWrite()
    const parts: Uint8Array[] = []
    for await (const part of receiver) parts.push(part instanceof Uint8ArrayList ? part.subarray() : part)
    assert.deepEqual(Buffer.concat(parts), sent)

    const [first] = parts
    assert.ok(first !== undefined && first.byteLength > 0)
    receiver.release?.(first)
    assert.equal(first.byteLength, 0)
    const foreign = Buffer.alloc(MIB)
    receiver.release?.(foreign)
    assert.equal(foreign.byteLength, MIB)
  } finally {
    close()
  }
})

test('a write has sealed its bytes when the call returns: buffers freed right after it still arrive intact', async () => {
  const { a, b, close } = await socketPair()
  try {
    const { sender, receiver } = lanePair(a, b)
    await sender.ready
    assert.equal(sender.copiesWrites, true)
    const pieces = [randomBytes(3 * MAX_LANE_RECORD_PLAINTEXT_BYTES + 5), randomBytes(MIB)].map(piece => new Uint8Array(piece))
    const expected = Buffer.concat(pieces)
    const received = readAll(receiver)

    const written = sender.write(new Uint8ArrayList(...pieces))
    for (const piece of pieces) freeBuffer(piece)
    await written
    await sender.closeWrite()

    assert.deepEqual(pieces.map(piece => piece.byteLength), [0, 0])
    assert.deepEqual(await received, expected)
  } finally {
    close()
  }
})
