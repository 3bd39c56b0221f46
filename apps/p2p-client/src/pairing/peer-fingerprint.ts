import { sha256 } from '@noble/hashes/sha2.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { FINGERPRINT_WORDS } from './fingerprint-words.ts'
import { FINGERPRINT_WORD_COUNT } from './constants.ts'

/**
 * A device's fingerprint: words from a hash of its PeerId's bytes, for two people to
 * compare out loud. The PeerId is what noise authenticates, so matching words mean the
 * device shown is the device the connection comes from.
 */
export function peerFingerprint (peerId: string): string {
  const digest = sha256(peerIdFromString(peerId).toMultihash().bytes)
  return Array.from(digest.subarray(0, FINGERPRINT_WORD_COUNT), byte => FINGERPRINT_WORDS[byte] ?? '?').join(' ')
}
