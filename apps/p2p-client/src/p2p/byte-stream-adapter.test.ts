import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createP2PNode, type P2PNode } from './create-p2p-node.ts'
import { toByteStream } from './byte-stream-adapter.ts'
import type { ByteStream } from '@p2pft/transfer'

const PROTOCOL = '/p2pft-test/backpressure/1.0.0'
const MIB = 1024 * 1024

let sender: P2PNode
let receiver: P2PNode
let incoming: Promise<ByteStream>[] = []
let nextIncoming = 0

before(async () => {
  const make = async (): Promise<P2PNode> => await createP2PNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, userAgent: 'test' })
  sender = await make()
  receiver = await make()
  const resolvers = Array.from({ length: 2 }, () => Promise.withResolvers<ByteStream>())
  incoming = resolvers.map(r => r.promise)
  await receiver.handle(PROTOCOL, (stream) => { resolvers[nextIncoming++]?.resolve(toByteStream(stream)) })
})

after(async () => {
  await sender?.stop()
  await receiver?.stop()
})

test('a reader that stops reading stops the writer over a real libp2p connection', async () => {
  const stream = toByteStream(await sender.dialProtocol(receiver.getMultiaddrs(), PROTOCOL))
  const reader = await incoming[0]!
  const chunk = new Uint8Array(MIB).fill(7)
  const totalBytes = 256 * MIB
  let writtenBytes = 0
  const writing = (async () => {
    while (writtenBytes < totalBytes) {
      await stream.write(chunk)
      writtenBytes += chunk.byteLength
    }
    await stream.closeWrite()
  })()

  // Nobody reads for a second: without backpressure loopback would take all 256 MiB.
  await new Promise(resolve => setTimeout(resolve, 1000))
  const writtenWhileStalled = writtenBytes
  assert.ok(writtenWhileStalled <= 64 * MIB, `writer got ${writtenWhileStalled / MIB} MiB ahead of a stalled reader`)

  let readBytes = 0
  for await (const data of reader) readBytes += data.byteLength
  await writing
  assert.equal(readBytes, totalBytes)
})

test('a slow reader that pauses and resumes the stream many times gets every byte', async () => {
  const stream = toByteStream(await sender.dialProtocol(receiver.getMultiaddrs(), PROTOCOL))
  const reader = await incoming[1]!
  const totalBytes = 96 * MIB
  const writing = (async () => {
    for (let i = 0; i < totalBytes / MIB; i++) await stream.write(new Uint8Array(MIB).fill(i % 251))
    await stream.closeWrite()
  })()
  let readBytes = 0
  let mismatches = 0
  for await (const data of reader) {
    const bytes = data instanceof Uint8Array ? data : data.subarray()
    for (let i = 0; i < bytes.byteLength; i += 4096) {
      if (bytes[i] !== Math.floor((readBytes + i) / MIB) % 251) mismatches++
    }
    readBytes += bytes.byteLength
    // Fast at first so yamux grows its window to the maximum, then slower than loopback
    // (like a disk), so the queue fills, pauses and resumes the stream again and again.
    if (readBytes > 24 * MIB) await new Promise(resolve => setTimeout(resolve, bytes.byteLength / 65_536))
  }
  await writing
  assert.equal(readBytes, totalBytes)
  assert.equal(mismatches, 0)
})
