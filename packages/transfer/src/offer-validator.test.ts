import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  FRAME_HEADER_BYTES, FRAME_TYPE, FrameDecoder, isAppError, MAX_CHUNK_SIZE_BYTES, MAX_CONTROL_FRAME_BYTES, MAX_FILES, MAX_PATH_DEPTH,
  MAX_TOTAL_BYTES, MIN_CHUNK_SIZE_BYTES, encodeControlFrame, type ErrorCode, type ManifestEntry, type OfferMessage
} from '@p2pft/protocol'
import { validateOffer } from './offer-validator.ts'

function offerOf (entries: ManifestEntry[], overrides: Partial<OfferMessage> = {}): OfferMessage {
  return {
    transferId: 'abcdefgh',
    senderName: 'Alice',
    chunkSizeBytes: 1024 * 1024,
    totalBytes: entries.reduce((sum, entry) => sum + (entry.kind === 'file' ? entry.size : 0), 0),
    entries,
    ...overrides
  }
}

const file = (path: string, size = 1): ManifestEntry => ({ path, kind: 'file', size, mtimeMs: 0 })
const folder = (path: string): ManifestEntry => ({ path, kind: 'directory', size: 0, mtimeMs: 0 })

function assertRefused (offer: OfferMessage, code: ErrorCode): void {
  assert.throws(() => validateOffer(offer), (err: unknown) => isAppError(err, code))
}

test('accepts a well-formed offer and counts its files', () => {
  const offer = offerOf([folder('photos'), file('photos/a b é.jpg', 10), folder('photos/empty'), file('photos/z.txt', 0), file('CON.txt', 3)])
  const valid = validateOffer(offer)
  assert.equal(valid.fileCount, 3)
  assert.equal(valid.totalBytes, 13)
  assert.equal(valid.entries, offer.entries)
})

test('refuses paths that could leave the download folder or confuse it', () => {
  for (const path of ['', '/x', '\\x', 'C:x', 'c:/x', '//server/x', 'a\\b', '.', 'a/./b', '..', 'x/..', 'a/', 'a\u007fb', 'a\nb', '\ud800x']) {
    assertRefused(offerOf([file(path)]), 'TRANSFER_INVALID_PATH')
  }
})

test('refuses paths over the length and depth limits', () => {
  assertRefused(offerOf([file('é'.repeat(128))]), 'TRANSFER_INVALID_PATH')
  assertRefused(offerOf([file(Array.from({ length: 20 }, () => 'x'.repeat(250)).join('/'))]), 'TRANSFER_INVALID_PATH')
  assertRefused(offerOf([file(Array.from({ length: MAX_PATH_DEPTH + 1 }, () => 'd').join('/'))]), 'TRANSFER_INVALID_PATH')
  validateOffer(offerOf([file(Array.from({ length: MAX_PATH_DEPTH }, () => 'd').join('/'))]))
})

test('refuses sizes that are not whole non-negative safe byte counts', () => {
  assertRefused(offerOf([file('a', 1.5)], { totalBytes: 1.5 }), 'TRANSFER_INVALID_SIZE')
  assertRefused(offerOf([file('a', 2 ** 60)], { totalBytes: 2 ** 60 }), 'TRANSFER_INVALID_SIZE')
  assertRefused(offerOf([file('a', Number.MAX_SAFE_INTEGER), file('b', 1)], { totalBytes: 0 }), 'TRANSFER_INVALID_SIZE')
})

test('refuses chunk sizes outside the protocol limits', () => {
  assertRefused(offerOf([file('a')], { chunkSizeBytes: 5 * 1024 * 1024 }), 'TRANSFER_INVALID_CHUNK_SIZE')
  assertRefused(offerOf([file('a')], { chunkSizeBytes: 1000 }), 'TRANSFER_INVALID_CHUNK_SIZE')
})

test('refuses entries that would land on one name, even listed child first', () => {
  assertRefused(offerOf([file('a.txt'), file('A.TXT')]), 'TRANSFER_DUPLICATE_PATH')
  assertRefused(offerOf([file('a?.txt'), file('a_.txt')]), 'TRANSFER_DUPLICATE_PATH')
  assertRefused(offerOf([folder('d'), file('d')]), 'TRANSFER_DUPLICATE_PATH')
  assertRefused(offerOf([file('x/y/z'), file('X/y')]), 'TRANSFER_DUPLICATE_PATH')
})

test('takes every limit right up to its edge, and refuses one past it', () => {
  // Names: 255 bytes (é is two), paths: 4,096 bytes, counts: MAX_FILES entries.
  validateOffer(offerOf([file('é'.repeat(127) + 'x')]))
  assertRefused(offerOf([file('é'.repeat(128))]), 'TRANSFER_INVALID_PATH')
  const longPath = [...Array.from({ length: 15 }, () => 'x'.repeat(255)), 'x'.repeat(254)].join('/') // 4,094 bytes
  validateOffer(offerOf([file(longPath + '/x')]))
  assertRefused(offerOf([file(longPath + '/xx')]), 'TRANSFER_INVALID_PATH')
  const many = Array.from({ length: MAX_FILES }, (_, i) => file(`f${i}`, 0))
  assert.equal(validateOffer(offerOf(many)).fileCount, MAX_FILES)
  assertRefused(offerOf([...many, file('one-more', 0)]), 'TRANSFER_TOO_MANY_FILES')
  validateOffer(offerOf([file('a')], { chunkSizeBytes: MIN_CHUNK_SIZE_BYTES }))
  validateOffer(offerOf([file('a')], { chunkSizeBytes: MAX_CHUNK_SIZE_BYTES }))
  assertRefused(offerOf([file('a')], { chunkSizeBytes: MIN_CHUNK_SIZE_BYTES - 1 }), 'TRANSFER_INVALID_CHUNK_SIZE')
  assertRefused(offerOf([file('a')], { chunkSizeBytes: MAX_CHUNK_SIZE_BYTES + 1 }), 'TRANSFER_INVALID_CHUNK_SIZE')
  validateOffer(offerOf([file('a', MAX_TOTAL_BYTES)]))
  assertRefused(offerOf([file('a', MAX_TOTAL_BYTES + 1)], { totalBytes: MAX_TOTAL_BYTES + 1 }), 'TRANSFER_INVALID_SIZE')
})

test('refuses sizes that do not add up: negative, a folder with bytes, a total that lies', () => {
  assertRefused(offerOf([file('a', -1)], { totalBytes: 0 }), 'TRANSFER_INVALID_SIZE')
  assertRefused(offerOf([file('a')], { totalBytes: -1 }), 'TRANSFER_INVALID_SIZE')
  assertRefused(offerOf([{ path: 'd', kind: 'directory', size: 5, mtimeMs: 0 }], { totalBytes: 5 }), 'TRANSFER_INVALID_SIZE')
  assertRefused(offerOf([file('a', 10)], { totalBytes: 9 }), 'TRANSFER_INVALID_SIZE')
})

test('an offer over the 16 MiB control frame limit cannot be sent, and its announced size alone is refused', () => {
  const entries = Array.from({ length: 60_000 }, (_, i) => file(`${'n'.repeat(250)}-${i}`, 0))
  assert.throws(() => encodeControlFrame({ kind: 'offer', message: offerOf(entries) }), (err: unknown) => isAppError(err, 'PROTOCOL_MESSAGE_TOO_LARGE'))
  const header = new Uint8Array(FRAME_HEADER_BYTES)
  new DataView(header.buffer).setUint32(0, MAX_CONTROL_FRAME_BYTES + 1)
  header[4] = FRAME_TYPE.offer
  const decoder = new FrameDecoder()
  decoder.push(header)
  assert.throws(() => decoder.next(), (err: unknown) => isAppError(err, 'PROTOCOL_MESSAGE_TOO_LARGE'))
})
