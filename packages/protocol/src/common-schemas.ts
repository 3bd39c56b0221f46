import Type from 'typebox'
import {
  MAX_ANNOUNCED_ADDRS, MAX_DISPLAY_NAME_LENGTH, MAX_MULTIADDR_LENGTH, MAX_ROOM_NAME_LENGTH
} from './constants.ts'

/** A libp2p PeerId in its base58btc or CIDv1 text form. Parsed for real by the receiver. */
export const PeerIdText = Type.String({ minLength: 40, maxLength: 128, pattern: '^[1-9A-HJ-NP-Za-km-z]+$' })

/** What a person sees: printable, no control characters, trimmed by the sender. */
export const DisplayName = Type.String({ minLength: 1, maxLength: MAX_DISPLAY_NAME_LENGTH, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })

/** A room a user typed; case-sensitive, no control characters. */
export const RoomName = Type.String({ minLength: 1, maxLength: MAX_ROOM_NAME_LENGTH, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })

export const MultiaddrText = Type.String({ minLength: 1, maxLength: MAX_MULTIADDR_LENGTH, pattern: '^/' })

export const MultiaddrList = Type.Array(MultiaddrText, { maxItems: MAX_ANNOUNCED_ADDRS })

/** An ErrorCode as text: peers may send codes newer than ours, so any upper-snake word is accepted. */
export const ErrorCodeText = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Z][A-Z0-9_]*$' })

export const ErrorMessageText = Type.String({ maxLength: 1024 })
