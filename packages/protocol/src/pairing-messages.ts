import Type, { type Static } from 'typebox'
import { base64UrlOf, DisplayName, ErrorCodeText, ErrorMessageText, PeerIdText } from './common-schemas.ts'
import { PAIRING_NAMEPLATE_DIGITS } from './pairing-constants.ts'
import { createSchemaDecoder } from './schema-decoder.ts'

/**
 * Device pairing (docs/protocol.md, "Pairing"): a mailbox on the signal server that
 * forwards a few opaque bodies between exactly two sockets, and the CPace bodies the
 * two devices exchange through it. The server never sees the secret part of the code.
 */

export const Nameplate = Type.String({ pattern: `^[0-9]{${PAIRING_NAMEPLATE_DIGITS}}$` })
export const PairingSessionId = base64UrlOf(16)

// ---- device ↔ device bodies (forwarded verbatim by the mailbox) ----

/** A CPace public share: one ristretto255 element. */
export const PairingPakeBody = Type.Object({ kind: Type.Literal('pake'), element: base64UrlOf(32) })
/** Key confirmation: HMAC-SHA256 over the transcript with this side's confirmation key. */
export const PairingConfirmBody = Type.Object({ kind: Type.Literal('confirm'), mac: base64UrlOf(32) })
/** The sender's identity, sealed (AES-256-GCM) with this side's key from the shared secret. */
export const PairingIdentityBody = Type.Object({ kind: Type.Literal('identity'), sealed: Type.String({ minLength: 16, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' }) })
/** Sent before leaving when the other side's confirmation was wrong, so it stops waiting. */
export const PairingFailedBody = Type.Object({ kind: Type.Literal('failed') })

export const PairingBody = Type.Union([PairingPakeBody, PairingConfirmBody, PairingIdentityBody, PairingFailedBody])
export type PairingBody = Static<typeof PairingBody>

/** What an identity body holds once unsealed: the PeerId, a name, and a signature over the transcript by that PeerId's key. */
export const PairingIdentity = Type.Object({
  peerId: PeerIdText,
  name: DisplayName,
  /** base64url Ed25519 signature of PAIRING_SIGNATURE_PREFIX + role + transcript hash. */
  signature: base64UrlOf(64)
})
export type PairingIdentity = Static<typeof PairingIdentity>

// ---- device → mailbox ----

export const MailboxOpenRequest = Type.Object({ type: Type.Literal('open') })
export const MailboxJoinRequest = Type.Object({ type: Type.Literal('join'), nameplate: Nameplate })
/** A body for the other side; the mailbox checks its size, never its content. */
export const MailboxSendRequest = Type.Object({ type: Type.Literal('send'), body: Type.Record(Type.String({ maxLength: 32 }), Type.Unknown()) })

export const ClientToPairing = Type.Union([MailboxOpenRequest, MailboxJoinRequest, MailboxSendRequest])
export type ClientToPairing = Static<typeof ClientToPairing>

// ---- mailbox → device ----

export const PairingOpenedMessage = Type.Object({ type: Type.Literal('opened'), nameplate: Nameplate, sessionId: PairingSessionId, expiresInMs: Type.Integer({ minimum: 0 }) })
/** Both sides are in: sent to the opener and the joiner; the nameplate is now burned. */
export const PairingConnectedMessage = Type.Object({ type: Type.Literal('connected'), sessionId: PairingSessionId })
export const PairingDeliveryMessage = Type.Object({ type: Type.Literal('message'), body: Type.Record(Type.String({ maxLength: 32 }), Type.Unknown()) })
export const PairingPeerLeftMessage = Type.Object({ type: Type.Literal('peer-left') })
export const PairingErrorMessage = Type.Object({ type: Type.Literal('error'), code: ErrorCodeText, message: ErrorMessageText })

export const PairingToClient = Type.Union([PairingOpenedMessage, PairingConnectedMessage, PairingDeliveryMessage, PairingPeerLeftMessage, PairingErrorMessage])
export type PairingToClient = Static<typeof PairingToClient>

export const clientToPairingDecoder = createSchemaDecoder(ClientToPairing, 'PROTOCOL_INVALID_MESSAGE', 'pairing request')
export const pairingToClientDecoder = createSchemaDecoder(PairingToClient, 'PROTOCOL_INVALID_MESSAGE', 'pairing mailbox message')
export const pairingBodyDecoder = createSchemaDecoder(PairingBody, 'PROTOCOL_INVALID_MESSAGE', 'pairing message from the other device')
export const pairingIdentityDecoder = createSchemaDecoder(PairingIdentity, 'PROTOCOL_INVALID_MESSAGE', 'identity from the other device')
