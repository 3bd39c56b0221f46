import Type from 'typebox'
import {
  MAX_ANNOUNCED_ADDRS, MAX_DISPLAY_NAME_LENGTH, MAX_MULTIADDR_LENGTH, MAX_ROOM_NAME_LENGTH
} from './constants.ts'

/** A libp2p PeerId in its base58btc text form. Parsed for real by the receiver. */
export const PeerIdText = Type.String({ minLength: 40, maxLength: 128, pattern: '^[1-9A-HJ-NP-Za-km-z]+$' })

/**
 * What a person sees: at least one visible character; no control characters (C0, C1)
 * and no bidirectional overrides, which could make one name look like another.
 */
export const DisplayName = Type.String({
  minLength: 1,
  maxLength: MAX_DISPLAY_NAME_LENGTH,
  pattern: '^(?=.*\\S)[^\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]+$'
})

/** A room a user typed; case-sensitive, no control characters. */
export const RoomName = Type.String({ minLength: 1, maxLength: MAX_ROOM_NAME_LENGTH, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })

export const MultiaddrText = Type.String({ minLength: 1, maxLength: MAX_MULTIADDR_LENGTH, pattern: '^/' })

export const MultiaddrList = Type.Array(MultiaddrText, { maxItems: MAX_ANNOUNCED_ADDRS })

/** An ErrorCode as text: peers may send codes newer than ours, so any upper-snake word is accepted. */
export const ErrorCodeText = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Z][A-Z0-9_]*$' })

export const ErrorMessageText = Type.String({ maxLength: 1024 })

/** Unpadded base64url text of exactly `bytes` bytes (keys, tickets, signatures). */
export function base64UrlOf (bytes: number) {
  const length = Math.ceil(bytes * 4 / 3)
  return Type.String({ minLength: length, maxLength: length, pattern: '^[A-Za-z0-9_-]+$' })
}
