import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js'
import { bytesToNumberLE, equalBytes } from '@noble/curves/utils.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { AppError } from '@p2pft/protocol'
import { PAIR_TAG_LABEL, PAIRING_DOMAIN } from './constants.ts'

/** The device that opened the mailbox (shows the code) is the CPace initiator; the one typing the code responds. */
export type PairingRole = 'opener' | 'joiner'

export interface CpaceInputs {
  role: PairingRole
  /** The secret digits of the code (never sent anywhere). */
  secret: string
  /** The server's nameplate and session id: channel and session identifiers, so a share is only valid in this mailbox. */
  nameplate: string
  sessionId: string
}

/** What both sides derive from the shared secret once the shares are exchanged. */
export interface CpaceKeys {
  /** Hash of everything both sides saw: signed by each identity key. */
  transcript: Uint8Array
  /** This side's key-confirmation MAC to send, and the one expected from the other side. */
  ownConfirm: Uint8Array
  expectedConfirm: Uint8Array
  /** AES-256-GCM keys for the identity body: one per direction, each used once. */
  ownSealKey: Uint8Array
  peerSealKey: Uint8Array
  /** base64url HMAC shared by the two devices after pairing (presence tag). */
  pairTag: string
}

export interface CpaceHandshake {
  /** Our public share Y = y·G, sent to the other side. */
  share: Uint8Array
  /** Derives the keys from the other side's share; throws PAIRING_CODE_MISMATCH for an invalid share. */
  finish: (peerShare: Uint8Array) => CpaceKeys
}

const Point = ristretto255.Point

/** Length-prefixed concatenation (CPace's lv_cat), so no two field splits give the same bytes. */
function lengthPrefixed (...parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts.flatMap(part => [new Uint8Array([part.length >> 8, part.length & 0xff]), part]))
}

const text = (value: string): Uint8Array => utf8ToBytes(value)

/**
 * CPace (draft-irtf-cfrg-cpace) over ristretto255: both sides map the secret to the same
 * generator, exchange one ephemeral share each and get the same key only if their secrets
 * match. A server in the middle sees random group elements and gets one online guess.
 */
export function createCpaceHandshake (inputs: CpaceInputs): CpaceHandshake {
  const generator = ristretto255_hasher.hashToCurve(
    lengthPrefixed(text(inputs.secret), text(inputs.nameplate), text(inputs.sessionId)),
    { DST: `${PAIRING_DOMAIN} CPace ristretto255 generator` }
  )
  // 64 random bytes reduced mod the group order: a uniform scalar; zero is astronomically unlikely and rejected.
  const scalar = Point.Fn.create(bytesToNumberLE(randomBytes(64)))
  if (scalar === 0n) throw new AppError('INTERNAL_ERROR', 'random scalar was zero')
  const share = generator.multiply(scalar).toBytes()

  return {
    share,
    finish (peerShare) {
      let shared
      try {
        const peerPoint = Point.fromBytes(peerShare)
        if (peerPoint.is0()) throw new Error('identity element')
        shared = peerPoint.multiply(scalar)
      } catch (err) {
        throw new AppError('PAIRING_CODE_MISMATCH', 'the other device sent an invalid pairing message; nothing was stored', { cause: err })
      }
      if (shared.is0() || equalBytes(peerShare, share)) {
        throw new AppError('PAIRING_CODE_MISMATCH', 'the other device sent an invalid pairing message; nothing was stored')
      }
      const [openerShare, joinerShare] = inputs.role === 'opener' ? [share, peerShare] : [peerShare, share]
      const transcript = sha256(lengthPrefixed(text(PAIRING_DOMAIN), text(inputs.nameplate), text(inputs.sessionId), openerShare, joinerShare))
      const isk = sha512(lengthPrefixed(text(`${PAIRING_DOMAIN} ISK`), text(inputs.sessionId), shared.toBytes(), openerShare, joinerShare))
      const derive = (label: string): Uint8Array => hkdf(sha256, isk, undefined, text(`${PAIRING_DOMAIN} ${label}`), 32)
      const confirmOf = (role: PairingRole): Uint8Array => hmac(sha256, derive(`confirm ${role}`), transcript)
      const peerRole: PairingRole = inputs.role === 'opener' ? 'joiner' : 'opener'
      return {
        transcript,
        ownConfirm: confirmOf(inputs.role),
        expectedConfirm: confirmOf(peerRole),
        ownSealKey: derive(`seal ${inputs.role}`),
        peerSealKey: derive(`seal ${peerRole}`),
        pairTag: Buffer.from(hmac(sha256, derive('pair tag key'), text(PAIR_TAG_LABEL))).toString('base64url')
      }
    }
  }
}
