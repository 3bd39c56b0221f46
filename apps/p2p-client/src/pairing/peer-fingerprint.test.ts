import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { FINGERPRINT_WORDS } from './fingerprint-words.ts'
import { peerFingerprint } from './peer-fingerprint.ts'

test('a fingerprint is five words from the list, the same every time for one PeerId', async () => {
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const words = peerFingerprint(peerId).split(' ')
  assert.equal(words.length, 5)
  for (const word of words) assert.ok(FINGERPRINT_WORDS.includes(word), word)
  assert.equal(peerFingerprint(peerId), peerFingerprint(peerId))
})

test('different PeerIds get different fingerprints', async () => {
  const a = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const b = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  assert.notEqual(peerFingerprint(a), peerFingerprint(b))
})

test('the word list has 256 distinct words, one per byte value', () => {
  assert.equal(new Set(FINGERPRINT_WORDS).size, 256)
})
