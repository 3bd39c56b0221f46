import Type, { type Static } from 'typebox'
import { LANE_RELAY_TICKET_BYTES, MAX_PAIR_TAGS_PER_CLIENT, MAX_ROOMS_PER_CLIENT, PAIR_TAG_LENGTH, REGISTER_SIGNATURE_PREFIX } from './constants.ts'
import { base64UrlOf, DisplayName, ErrorCodeText, ErrorMessageText, MultiaddrList, MultiaddrText, PeerIdText, RoomName } from './common-schemas.ts'
import { createSchemaDecoder } from './schema-decoder.ts'

/**
 * The signal server's WebSocket protocol (docs/protocol.md, "Signal protocol").
 * Every message is one JSON text frame with a `type` field.
 */

const Rooms = Type.Array(RoomName, { maxItems: MAX_ROOMS_PER_CLIENT })

/**
 * A pair tag: 32 random-looking bytes in base64url (43 characters, no padding), the same on
 * every device of one pairing. Peers sharing a tag see each other; the server never echoes it.
 */
export const PairTag = Type.String({ minLength: PAIR_TAG_LENGTH, maxLength: PAIR_TAG_LENGTH, pattern: `^[A-Za-z0-9_-]{${PAIR_TAG_LENGTH}}$` })

const PairTags = Type.Array(PairTag, { maxItems: MAX_PAIR_TAGS_PER_CLIENT })

/** Free-form signalling data for rendezvous; its size is capped when encoded. */
const RendezvousPayload = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown())

// ---- client → server ----

export const RegisterRequest = Type.Object({
  type: Type.Literal('register'),
  peerId: PeerIdText,
  name: DisplayName,
  multiaddrs: MultiaddrList,
  rooms: Rooms,
  /** A hidden client sees peers but is not shown to them (one-shot `peers`, `send`). */
  hidden: Type.Optional(Type.Boolean()),
  /** Tags of this device's pairings: it sees, and is seen by, peers sharing one (`via: 'paired'`). */
  pairTags: Type.Optional(PairTags),
  /** base64 Ed25519 signature of REGISTER_SIGNATURE_PREFIX + nonce from `hello`. */
  signature: Type.String({ minLength: 1, maxLength: 256 })
})

export const UpdateRequest = Type.Object({
  type: Type.Literal('update'),
  name: Type.Optional(DisplayName),
  multiaddrs: Type.Optional(MultiaddrList),
  rooms: Type.Optional(Rooms),
  /** Replaces the whole set of pair tags (absent: unchanged). */
  pairTags: Type.Optional(PairTags)
})

export const RendezvousRequest = Type.Object({
  type: Type.Literal('signal'),
  to: PeerIdText,
  payload: RendezvousPayload
})

export const HeartbeatRequest = Type.Object({ type: Type.Literal('ping') })

/** Numbers a request so its answer can be told apart from others in flight. */
const RequestId = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })

/** Asks for a lane relay ticket (§4.9); only to a server whose `hello` announced `laneRelay`. */
export const LaneRelayRequest = Type.Object({
  type: Type.Literal('lane-relay'),
  requestId: RequestId
})

export const ClientToSignal = Type.Union([RegisterRequest, UpdateRequest, RendezvousRequest, HeartbeatRequest, LaneRelayRequest])
export type ClientToSignal = Static<typeof ClientToSignal>

// ---- server → client ----

/** Why a peer is visible to another: same public IP, a room they share, or a pair tag they share. */
export const PeerVisibility = Type.Union([Type.Literal('network'), Type.Literal('room'), Type.Literal('paired')])
export type PeerVisibility = Static<typeof PeerVisibility>

export const PresencePeer = Type.Object({
  peerId: PeerIdText,
  name: DisplayName,
  multiaddrs: MultiaddrList,
  via: Type.Array(PeerVisibility, { minItems: 1, maxItems: 3 }),
  rooms: Rooms
})
export type PresencePeer = Static<typeof PresencePeer>

export const HelloMessage = Type.Object({
  type: Type.Literal('hello'),
  protocolVersion: Type.Integer({ minimum: 1 }),
  nonce: Type.String({ minLength: 16, maxLength: 128 }),
  /** The public address the server sees this connection coming from. */
  observedAddress: Type.Object({ ip: Type.String({ maxLength: 64 }), port: Type.Integer({ minimum: 0, maximum: 65535 }) }),
  /** The server's circuit relay, if it runs one; the client dials it at the server's host. */
  relay: Type.Optional(Type.Object({ peerId: PeerIdText, tcpPort: Type.Integer({ minimum: 1, maximum: 65535 }), multiaddrs: MultiaddrList })),
  /** The server's lane relay, if it runs one, at the relay's host (§4.9). */
  laneRelay: Type.Optional(Type.Object({ tcpPort: Type.Integer({ minimum: 1, maximum: 65535 }) }))
})

export const RegisteredMessage = Type.Object({
  type: Type.Literal('registered'),
  peerId: PeerIdText
})

export const PeersMessage = Type.Object({
  type: Type.Literal('peers'),
  peers: Type.Array(PresencePeer, { maxItems: 10_000 })
})

export const PeerJoinedMessage = Type.Object({ type: Type.Literal('peer-joined'), peer: PresencePeer })
export const PeerUpdatedMessage = Type.Object({ type: Type.Literal('peer-updated'), peer: PresencePeer })
export const PeerLeftMessage = Type.Object({ type: Type.Literal('peer-left'), peerId: PeerIdText })

export const RendezvousDelivery = Type.Object({
  type: Type.Literal('signal'),
  from: PeerIdText,
  payload: RendezvousPayload
})

export const HeartbeatReply = Type.Object({ type: Type.Literal('pong') })

/** The answer to a `lane-relay` request: a one-use ticket, or none when the server is at a limit. */
export const LaneRelayTicket = Type.Object({
  type: Type.Literal('lane-relay'),
  requestId: RequestId,
  ticket: Type.Optional(base64UrlOf(LANE_RELAY_TICKET_BYTES))
})

export const SignalErrorMessage = Type.Object({
  type: Type.Literal('error'),
  code: ErrorCodeText,
  message: ErrorMessageText,
  /** Set when the error closes the connection. */
  fatal: Type.Optional(Type.Boolean())
})

export const SignalToClient = Type.Union([
  HelloMessage, RegisteredMessage, PeersMessage, PeerJoinedMessage, PeerUpdatedMessage,
  PeerLeftMessage, RendezvousDelivery, HeartbeatReply, SignalErrorMessage, LaneRelayTicket
])
export type SignalToClient = Static<typeof SignalToClient>

export type RegisterRequest = Static<typeof RegisterRequest>
export type HelloMessage = Static<typeof HelloMessage>

export const clientToSignalDecoder = createSchemaDecoder(ClientToSignal, 'SIGNAL_INVALID_MESSAGE', 'signal message')
export const signalToClientDecoder = createSchemaDecoder(SignalToClient, 'SIGNAL_INVALID_MESSAGE', 'signal server message')

/** The bytes a client signs to prove it owns its PeerId for this connection. */
export function registerSignaturePayload (nonce: string): Uint8Array {
  return new TextEncoder().encode(REGISTER_SIGNATURE_PREFIX + nonce)
}
