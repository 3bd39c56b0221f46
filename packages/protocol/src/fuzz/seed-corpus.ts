import { encodeChunkFrame, encodeControlFrame } from '../transfer-frames.ts'
import type { OfferMessage } from '../transfer-messages.ts'

/**
 * Valid messages of every decoder, built with the real encoders and types: the seeds
 * the fuzzer mutates. `write-seed-corpus.ts` saves them under test/fixtures/fuzz-corpus/.
 */

const PEER_A = '12D3KooWGzTk5JzfvLbcmEE2cBfj1oyWNbJVtbumYrKXWkuSd8ro'
const PEER_B = 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N'
const HASH_HEX = 'ab'.repeat(32)
/** Unpadded base64url of 16, 32 and 64 bytes, as pairing messages carry them. */
const B64_16 = Buffer.alloc(16, 7).toString('base64url')
const B64_32 = Buffer.alloc(32, 7).toString('base64url')
const B64_64 = Buffer.alloc(64, 7).toString('base64url')

const offer: OfferMessage = {
  transferId: 'seed-transfer-01',
  senderName: 'Alice’s laptop',
  chunkSizeBytes: 1024 * 1024,
  totalBytes: 5_000_123,
  entries: [
    { path: 'photos', kind: 'directory', size: 0, mtimeMs: 1_700_000_000_000 },
    { path: 'photos/été 2024.jpg', kind: 'file', size: 5_000_000, mtimeMs: 1_700_000_000_123.5 },
    { path: 'notes.txt', kind: 'file', size: 123, mtimeMs: 0 }
  ]
}
const offerResponse = { accepted: true, flowWindowBytes: 8 * 1024 * 1024, resume: [{ fileIndex: 1, verifiedChunks: 3, blake3: HASH_HEX }, { fileIndex: 2, verifiedChunks: 0, complete: true }] }
const declined = { accepted: false, code: 'TRANSFER_DECLINED', message: 'the receiver said no' }
const fileEnd = { fileIndex: 1, blake3: HASH_HEX }
const fileResult = { fileIndex: 1, ok: false, code: 'TRANSFER_HASH_MISMATCH', message: 'chunk 2 failed its hash' }
const complete = { ok: true, verifiedFiles: 2 }
const abort = { code: 'TRANSFER_CANCELLED', message: 'the sender cancelled' }
const chunkAck = { bytes: 3_145_728 }

const holePunch = { p2pft: 'hole-punch', phase: 'offer', attemptId: 'attempt-0001', ip: '198.51.100.10', port: 40_123 }
const presencePeer = { peerId: PEER_B, name: 'Bob', multiaddrs: ['/ip4/192.0.2.10/tcp/4001', '/dns4/relay.example/tcp/4002/p2p/' + PEER_A + '/p2p-circuit'], via: ['network', 'room'], rooms: ['family'] }

/** Seed messages per JSON decoder (the fuzz target's name). */
export const JSON_SEEDS: Record<string, Record<string, unknown>> = {
  'offer': { small: offer, empty: { ...offer, totalBytes: 0, entries: [] } },
  'offer-response': { accepted: offerResponse, declined, plain: { accepted: true } },
  'file-end': { basic: fileEnd },
  'file-result': { failed: fileResult, ok: { fileIndex: 0, ok: true, blake3: HASH_HEX } },
  'done': { empty: {} },
  'complete': { ok: complete, failed: { ok: false, verifiedFiles: 0, code: 'TRANSFER_NO_SPACE', message: 'the disk is full' } },
  'abort': { cancelled: abort },
  'keepalive': { empty: {} },
  'chunk-ack': { basic: chunkAck },
  'hole-punch': { offer: holePunch, answer: { ...holePunch, phase: 'answer', ip: '2001:db8::1' }, abort: { p2pft: 'hole-punch', phase: 'abort', attemptId: 'attempt-0001' } },
  'info-response': { basic: { name: 'Bob' } },
  'lane-response': { basic: { port: 40_123, ticket: 'AAECAwQFBgcICQoLDA0ODw', secret: B64_32 }, relayed: { port: 8789, ticket: 'AAECAwQFBgcICQoLDA0ODw', secret: B64_32, relayTicket: B64_16 } },
  'observed-address': { ipv4: { ip: '203.0.113.7', port: 51_000 } },
  'client-to-signal': {
    register: { type: 'register', peerId: PEER_A, name: 'Alice', multiaddrs: ['/ip4/127.0.0.1/tcp/4001'], rooms: ['family'], hidden: false, signature: 'c2lnbmF0dXJl' },
    update: { type: 'update', name: 'Alice 2', multiaddrs: [], rooms: [] },
    paired: { type: 'update', pairTags: [B64_32] },
    signal: { type: 'signal', to: PEER_B, payload: holePunch },
    ping: { type: 'ping' },
    laneRelay: { type: 'lane-relay', requestId: 7 }
  },
  'signal-to-client': {
    hello: { type: 'hello', protocolVersion: 1, nonce: 'n0nce-n0nce-n0nce', observedAddress: { ip: '203.0.113.7', port: 51_000 }, relay: { peerId: PEER_A, tcpPort: 4002, multiaddrs: [] }, laneRelay: { tcpPort: 4003 } },
    registered: { type: 'registered', peerId: PEER_A },
    peers: { type: 'peers', peers: [presencePeer] },
    joined: { type: 'peer-joined', peer: presencePeer },
    updated: { type: 'peer-updated', peer: { ...presencePeer, via: ['room'] } },
    paired: { type: 'peer-joined', peer: { ...presencePeer, via: ['paired'], rooms: [] } },
    left: { type: 'peer-left', peerId: PEER_B },
    signal: { type: 'signal', from: PEER_B, payload: { ...holePunch, phase: 'answer' } },
    pong: { type: 'pong' },
    laneRelayTicket: { type: 'lane-relay', requestId: 7, ticket: B64_16 },
    noLaneRelayTicket: { type: 'lane-relay', requestId: 8 },
    error: { type: 'error', code: 'SIGNAL_RATE_LIMITED', message: 'too many messages', fatal: false }
  },
  'client-to-pairing': {
    open: { type: 'open' },
    join: { type: 'join', nameplate: '417' },
    send: { type: 'send', body: { kind: 'pake', element: B64_32 } }
  },
  'pairing-to-client': {
    opened: { type: 'opened', nameplate: '417', sessionId: B64_16, expiresInMs: 600_000 },
    connected: { type: 'connected', sessionId: B64_16 },
    message: { type: 'message', body: { kind: 'confirm', mac: B64_32 } },
    left: { type: 'peer-left' },
    error: { type: 'error', code: 'PAIRING_CODE_UNKNOWN', message: 'no device is waiting with this code' }
  },
  'pairing-body': {
    pake: { kind: 'pake', element: B64_32 },
    confirm: { kind: 'confirm', mac: B64_32 },
    identity: { kind: 'identity', sealed: 'c2VhbGVkLWlkZW50aXR5LWJ5dGVz' },
    failed: { kind: 'failed' }
  },
  'pairing-identity': { basic: { peerId: PEER_A, name: 'Alice laptop', signature: B64_64 } },
  'api-settings-update': { all: { name: 'Alice', server: 'https://signal.example', room: null, downloadDir: '/home/alice/Downloads', autoAccept: 'ask', trustedPeers: [PEER_B] }, empty: {} },
  'api-send': { basic: { to: 'Bob', paths: ['/home/alice/notes.txt', '/home/alice/photos'] } },
  'api-upload-file-list': { basic: [{ path: 'folder/a.txt', size: 3 }, { path: 'b.bin', size: 0 }] },
  'api-accept-offer': { always: { alwaysAccept: true }, empty: {} },
  'api-id-params': { basic: { id: 'seed-transfer-01' } },
  'api-upload-query': { basic: { to: PEER_B } }
}

/** Seed wire sequences for the frame decoder: whole exchanges as a peer would send them. */
export function frameSeeds (): Record<string, Uint8Array> {
  const chunk = (fileIndex: number, chunkIndex: number, data: Uint8Array): Uint8Array =>
    encodeChunkFrame(fileIndex, chunkIndex, new Uint8Array(32).fill(0xab), data).subarray()
  const join = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts)
  return {
    'sender-exchange': join(
      encodeControlFrame({ kind: 'offer', message: offer }),
      encodeControlFrame({ kind: 'keepalive', message: {} }),
      chunk(1, 0, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])),
      encodeControlFrame({ kind: 'file-end', message: fileEnd }),
      encodeControlFrame({ kind: 'done', message: {} })
    ),
    'receiver-exchange': join(
      encodeControlFrame({ kind: 'offer-response', message: offerResponse }),
      encodeControlFrame({ kind: 'chunk-ack', message: chunkAck }),
      encodeControlFrame({ kind: 'file-result', message: { fileIndex: 1, ok: true, blake3: HASH_HEX } }),
      encodeControlFrame({ kind: 'complete', message: complete })
    ),
    'abort': encodeControlFrame({ kind: 'abort', message: abort }),
    'empty-chunk': chunk(0, 7, new Uint8Array(0)),
    'declined': encodeControlFrame({ kind: 'offer-response', message: declined })
  }
}
