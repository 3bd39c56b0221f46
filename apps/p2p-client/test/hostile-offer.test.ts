import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '@libp2p/crypto/keys'
import {
  FrameDecoder, MAX_FILES, TRANSFER_PROTOCOL_ID, encodeControlFrame, type ManifestEntry, type OfferMessage, type TransferFrame
} from '@p2pft/protocol'
import { createP2PNode, type P2PNode } from '../src/p2p/create-p2p-node.ts'
import { LOOPBACK_CLIENT_ENV, P2P_CLIENT_BIN, spawnJsonProcess, type JsonProcess } from './support/json-process.ts'
import { makeTempDir } from './support/test-files.ts'

let receiver: JsonProcess
let receiverAddrs: string[]
let attacker: P2PNode
let work: { path: string, cleanup: () => Promise<void> }

before(async () => {
  work = await makeTempDir('hostile')
  receiver = spawnJsonProcess(P2P_CLIENT_BIN, {
    args: ['receive', '--name', 'Target', '--yes', '--json', '--data-dir', join(work.path, 'data'), '--dir', join(work.path, 'downloads')],
    env: { ...LOOPBACK_CLIENT_ENV, P2PFT_SERVER: '' }
  })
  const listening = await receiver.waitFor(e => e.event === 'listening')
  receiverAddrs = (listening.multiaddrs as string[])
  attacker = await createP2PNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, userAgent: 'test' })
})

after(async () => {
  await attacker?.stop()
  await receiver?.stop()
  await work?.cleanup()
})

/** Sends one hand-made offer and returns the receiver's first reply. */
async function offerAndReadReply (offer: OfferMessage): Promise<TransferFrame | undefined> {
  const stream = await attacker.dialProtocol(receiverAddrs.map(addr => multiaddr(addr)), TRANSFER_PROTOCOL_ID)
  stream.send(encodeControlFrame({ kind: 'offer', message: offer }))
  const decoder = new FrameDecoder()
  for await (const data of stream) {
    decoder.push(data)
    const frame = decoder.next()
    if (frame !== undefined) {
      stream.abort(new Error('test done'))
      return frame
    }
  }
  return undefined
}

const file = (path: string, size = 1): ManifestEntry => ({ path, kind: 'file', size, mtimeMs: 0 })
const offerOf = (entries: ManifestEntry[]): OfferMessage => ({
  transferId: `hostile${Math.random().toString(36).slice(2, 10)}`,
  senderName: 'Mallory',
  chunkSizeBytes: 1024 * 1024,
  totalBytes: entries.reduce((sum, entry) => sum + entry.size, 0),
  entries
})

const HOSTILE_OFFERS: Array<[string, OfferMessage, string]> = [
  ['absolute path', offerOf([file('/etc/passwd')]), 'TRANSFER_INVALID_PATH'],
  ['parent escape', offerOf([file('../x')]), 'TRANSFER_INVALID_PATH'],
  ['escape through a folder', offerOf([file('a/../../b')]), 'TRANSFER_INVALID_PATH'],
  ['NUL in a name', offerOf([file('a\u0000b')]), 'TRANSFER_INVALID_PATH'],
  ['300-character name', offerOf([file('x'.repeat(300))]), 'TRANSFER_INVALID_PATH'],
  ['too many files', offerOf(Array.from({ length: MAX_FILES + 1 }, (_, i) => file(`f${i}`))), 'TRANSFER_TOO_MANY_FILES'],
  ['negative size', offerOf([file('a.txt', -5)]), 'TRANSFER_INVALID_SIZE']
]

for (const [label, offer, code] of HOSTILE_OFFERS) {
  test(`a real receiver refuses an offer with ${label} (${code}) and writes nothing`, async () => {
    const reply = await offerAndReadReply(offer)
    assert.equal(reply?.kind, 'offer-response')
    assert.ok(reply?.kind === 'offer-response')
    assert.equal(reply.message.accepted, false)
    assert.equal(reply.message.code, code)
    assert.ok((reply.message.message ?? '').length > 0, 'carries a readable reason')
    const written = await readdir(join(work.path, 'downloads')).catch(() => [])
    assert.deepEqual(written, [])
  })
}

test('the receiver is still serving after every hostile offer', async () => {
  assert.equal(receiver.child.exitCode, null)
  const reply = await offerAndReadReply(offerOf([file('fine.txt', 0)]))
  assert.ok(reply?.kind === 'offer-response' && reply.message.accepted)
})
