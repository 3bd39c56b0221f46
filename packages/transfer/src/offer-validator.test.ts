import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isAppError, MAX_PATH_DEPTH, type ErrorCode, type ManifestEntry, type OfferMessage } from '@p2pft/protocol'
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
