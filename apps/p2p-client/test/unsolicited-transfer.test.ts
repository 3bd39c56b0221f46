import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import {
  FrameDecoder, TRANSFER_PROTOCOL_ID, encodeChunkFrame, encodeControlFrame, type OfferMessage, type TransferFrame
} from '@p2pft/protocol'
import { createP2PNode, type P2PNode } from '../src/p2p/create-p2p-node.ts'
import { OFFER_BURST_PER_PEER } from '../src/constants.ts'
import { LOOPBACK_CLIENT_ENV, P2P_CLIENT_BIN, spawnJsonProcess, type JsonEvent, type JsonProcess } from './support/json-process.ts'
import { makeTempDir } from './support/test-files.ts'

/**
 * A real receiving client (no terminal and no --yes, so it declines every offer) and a
 * real libp2p node that speaks the transfer protocol by hand, out of turn.
 */
let receiver: JsonProcess
let receiverAddrs: string[]
let attacker: P2PNode
let work: { path: string, cleanup: () => Promise<void> }
const nodes: P2PNode[] = []

before(async () => {
  work = await makeTempDir('unsolicited')
  receiver = spawnJsonProcess(P2P_CLIENT_BIN, {
    args: ['receive', '--name', 'Target', '--json', '--data-dir', join(work.path, 'data'), '--dir', join(work.path, 'downloads')],
    env: { ...LOOPBACK_CLIENT_ENV, P2PFT_SERVER: '' }
  })
  const listening = await receiver.waitFor(e => e.event === 'listening')
  receiverAddrs = (listening.multiaddrs as string[])
  attacker = await newNode()
})

after(async () => {
  for (const node of nodes) await node.stop()
  await receiver?.stop()
  await work?.cleanup()
})

async function newNode (): Promise<P2PNode> {
  const node = await createP2PNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, userAgent: 'test' })
  nodes.push(node)
  return node
}

const DATA = new TextEncoder().encode('data nobody agreed to receive')
const HASH = new Uint8Array(32).fill(1)
const chunkFrames = (): Uint8Array[] => [
  encodeChunkFrame(0, 0, HASH, DATA).subarray(),
  encodeChunkFrame(0, 1, HASH, DATA).subarray(),
  encodeControlFrame({ kind: 'file-end', message: { fileIndex: 0, blake3: 'ab'.repeat(32) } }),
  encodeControlFrame({ kind: 'done', message: {} })
]
const offerOf = (transferId: string): OfferMessage => ({
  transferId, senderName: 'Mallory', chunkSizeBytes: 1024 * 1024, totalBytes: DATA.byteLength * 2,
  entries: [{ path: 'planted.txt', kind: 'file', size: DATA.byteLength * 2, mtimeMs: 0 }]
})

async function open (node: P2PNode = attacker): Promise<Stream> {
  return await node.dialProtocol(receiverAddrs.map(addr => multiaddr(addr)), TRANSFER_PROTOCOL_ID)
}

/** Frames the receiver sends until `until` matches one, or its side ends (or resets). */
async function readFrames (stream: Stream, until: (frame: TransferFrame) => boolean = () => false): Promise<TransferFrame[]> {
  const decoder = new FrameDecoder()
  const frames: TransferFrame[] = []
  const timer = setTimeout(() => { stream.abort(new Error('the receiver did not answer in time')) }, 20_000)
  try {
    for await (const data of stream) {
      decoder.push(data)
      for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) {
        frames.push(frame)
        if (until(frame)) return frames
      }
    }
  } catch {
    // The receiver resets the stream after its abort frame: what arrived before counts.
  } finally {
    clearTimeout(timer)
  }
  return frames
}

/** The next receiver event after `from` (an index into its events) that matches. */
async function nextEvent (from: number, predicate: (event: JsonEvent) => boolean): Promise<JsonEvent> {
  return await receiver.waitFor(event => receiver.events.indexOf(event) >= from && predicate(event))
}

/** Every file and folder under `dir`, relative. */
async function listTree (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [])
  return entries.map(String)
}

async function assertNothingWritten (): Promise<void> {
  assert.deepEqual(await listTree(join(work.path, 'downloads')), [], 'the download folder stays empty')
  const parts = (await listTree(work.path)).filter(name => name.endsWith('.part'))
  assert.deepEqual(parts, [], 'no .part file anywhere')
}

test('chunk frames without any offer get an abort back and nothing is written', async () => {
  const from = receiver.events.length
  const stream = await open()
  for (const frame of chunkFrames()) stream.send(frame)
  await stream.close()
  const frames = await readFrames(stream)
  assert.deepEqual(frames.map(frame => frame.kind), ['abort'])
  assert.ok(frames[0]?.kind === 'abort' && frames[0].message.code === 'PROTOCOL_UNEXPECTED_MESSAGE')
  await nextEvent(from, event => event.event === 'error' && event.code === 'PROTOCOL_UNEXPECTED_MESSAGE')
  await assertNothingWritten()
})

test('bytes that are not frames get an abort back and nothing is written', async () => {
  const from = receiver.events.length
  const stream = await open()
  // A header announcing a 4 GiB control frame, then noise.
  stream.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, ...DATA]))
  await stream.close()
  const frames = await readFrames(stream)
  assert.ok(frames[0]?.kind === 'abort' && frames[0].message.code === 'PROTOCOL_MESSAGE_TOO_LARGE')
  await nextEvent(from, event => event.event === 'error' && event.code === 'PROTOCOL_MESSAGE_TOO_LARGE')
  await assertNothingWritten()
})

test('chunks sent after the offer was declined are discarded and nothing is written', async () => {
  const from = receiver.events.length
  const stream = await open()
  stream.send(encodeControlFrame({ kind: 'offer', message: offerOf('declined-then-pushed') }))
  const answer = await readFrames(stream, frame => frame.kind === 'offer-response')
  const response = answer.at(-1)
  assert.ok(response?.kind === 'offer-response')
  assert.equal(response.message.accepted, false)
  assert.equal(response.message.code, 'TRANSFER_DECLINED')
  for (const frame of chunkFrames()) stream.send(frame)
  await stream.close()
  await readFrames(stream)
  await nextEvent(from, event => event.event === 'declined' && event.transferId === 'declined-then-pushed')
  await assertNothingWritten()
})

test('chunks sent together with the offer, before any answer, are not written', async () => {
  const from = receiver.events.length
  const stream = await open()
  stream.send(encodeControlFrame({ kind: 'offer', message: offerOf('pushed-with-offer') }))
  for (const frame of chunkFrames()) stream.send(frame)
  await stream.close()
  const frames = await readFrames(stream)
  const first = frames[0]
  // Declined, or caught sending data before the answer: either way a refusal.
  assert.ok(
    (first?.kind === 'offer-response' && !first.message.accepted) || (first?.kind === 'abort' && first.message.code === 'PROTOCOL_UNEXPECTED_MESSAGE'),
    `got ${JSON.stringify(frames.map(frame => frame.kind))}`)
  await nextEvent(from, event => event.transferId === 'pushed-with-offer' && (event.event === 'declined' || event.event === 'error'))
  await assertNothingWritten()
})

test('a flood of offers from one unknown device is turned away with TRANSFER_RATE_LIMITED, without prompting', async () => {
  const flooder = await newNode()
  const codes: Array<string | undefined> = []
  for (let i = 0; i <= OFFER_BURST_PER_PEER; i++) {
    const stream = await open(flooder)
    stream.send(encodeControlFrame({ kind: 'offer', message: offerOf(`flood-offer-${i}`) }))
    const frames = await readFrames(stream, frame => frame.kind === 'offer-response')
    const response = frames.at(-1)
    assert.ok(response?.kind === 'offer-response' && !response.message.accepted, `offer ${i}: ${JSON.stringify(frames)}`)
    codes.push(response.message.code)
    if (response.message.code === 'TRANSFER_RATE_LIMITED') assert.match(response.message.message ?? '', /too many offers/)
    stream.abort(new Error('test done'))
  }
  assert.deepEqual(codes, [...Array.from({ length: OFFER_BURST_PER_PEER }, () => 'TRANSFER_DECLINED'), 'TRANSFER_RATE_LIMITED'])
  const limitedId = `flood-offer-${OFFER_BURST_PER_PEER}`
  assert.equal(receiver.events.filter(event => event.transferId === limitedId).length, 0, 'the limited offer was never shown')
  // Another device is not held back by the flooder.
  const other = await open(await newNode())
  other.send(encodeControlFrame({ kind: 'offer', message: offerOf('someone-else') }))
  const answer = (await readFrames(other, frame => frame.kind === 'offer-response')).at(-1)
  assert.ok(answer?.kind === 'offer-response' && answer.message.code === 'TRANSFER_DECLINED')
  other.abort(new Error('test done'))
  await assertNothingWritten()
  assert.equal(receiver.child.exitCode, null, 'the receiver is still running')
})
