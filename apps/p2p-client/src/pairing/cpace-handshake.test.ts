import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isAppError, PAIR_TAG_LENGTH } from '@p2pft/protocol'
import { createCpaceHandshake } from './cpace-handshake.ts'

const session = { nameplate: '417', sessionId: 'AAAAAAAAAAAAAAAAAAAAAA' }

test('the same secret gives both sides the same keys and matching confirmations', () => {
  const opener = createCpaceHandshake({ role: 'opener', secret: '392881', ...session })
  const joiner = createCpaceHandshake({ role: 'joiner', secret: '392881', ...session })
  const a = opener.finish(joiner.share)
  const b = joiner.finish(opener.share)
  assert.deepEqual(a.transcript, b.transcript)
  assert.deepEqual(a.ownConfirm, b.expectedConfirm)
  assert.deepEqual(b.ownConfirm, a.expectedConfirm)
  assert.notDeepEqual(a.ownConfirm, b.ownConfirm)
  assert.deepEqual(a.ownSealKey, b.peerSealKey)
  assert.equal(a.pairTag, b.pairTag)
  assert.equal(a.pairTag.length, PAIR_TAG_LENGTH)
})

test('a different secret gives different confirmations and pair tags', () => {
  const opener = createCpaceHandshake({ role: 'opener', secret: '392881', ...session })
  const joiner = createCpaceHandshake({ role: 'joiner', secret: '392882', ...session })
  const a = opener.finish(joiner.share)
  const b = joiner.finish(opener.share)
  assert.notDeepEqual(a.ownConfirm, b.expectedConfirm)
  assert.notEqual(a.pairTag, b.pairTag)
})

test('another session id with the same secret gives unrelated keys', () => {
  const opener = createCpaceHandshake({ role: 'opener', secret: '392881', ...session })
  const joiner = createCpaceHandshake({ role: 'joiner', secret: '392881', nameplate: '417', sessionId: 'BBBBBBBBBBBBBBBBBBBBBB' })
  assert.notDeepEqual(opener.finish(joiner.share).ownConfirm, joiner.finish(opener.share).expectedConfirm)
})

test('shares are fresh each time, so a recorded exchange cannot be replayed', () => {
  const one = createCpaceHandshake({ role: 'opener', secret: '392881', ...session })
  const two = createCpaceHandshake({ role: 'opener', secret: '392881', ...session })
  assert.notDeepEqual(one.share, two.share)
})

test('an identity element, an invalid encoding or a reflected share is refused as a mismatch', () => {
  const opener = createCpaceHandshake({ role: 'opener', secret: '392881', ...session })
  for (const bad of [new Uint8Array(32), new Uint8Array(32).fill(0xff), opener.share]) {
    assert.throws(() => opener.finish(bad), (err: unknown) => isAppError(err, 'PAIRING_CODE_MISMATCH'))
  }
})
