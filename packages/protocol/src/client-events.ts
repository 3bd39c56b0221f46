import Type, { type Static } from 'typebox'
import { DisplayName, ErrorCodeText, ErrorMessageText, MultiaddrList, PeerIdText } from './common-schemas.ts'
import { PeerVisibility } from './signal-messages.ts'
import { ManifestEntry, TransferId } from './transfer-messages.ts'

/**
 * Events the client reports: one JSON object per line with `--json`, and later the
 * local API's WebSocket. Scripts depend on these names and fields: add, never rename.
 */

const PeerRef = Type.Object({ peerId: PeerIdText, name: Type.String() })

/** Where a peer was found: the signal server's rules, or mDNS on this LAN. */
const Discovery = Type.Union([PeerVisibility, Type.Literal('lan')])

/** A direct connection's way through: this LAN, a public address, a UPnP-mapped port, or a TCP hole punch. */
export const ConnectionRoute = Type.Union([Type.Literal('lan'), Type.Literal('public'), Type.Literal('upnp'), Type.Literal('hole-punch')])
export type ConnectionRoute = Static<typeof ConnectionRoute>

export const ClientEvent = Type.Union([
  Type.Object({ event: Type.Literal('listening'), peerId: PeerIdText, name: DisplayName, multiaddrs: MultiaddrList, server: Type.Optional(Type.String()) }),
  Type.Object({ event: Type.Literal('peer-online'), peerId: PeerIdText, name: Type.String(), via: Type.Array(Discovery) }),
  Type.Object({ event: Type.Literal('peer-offline'), peerId: PeerIdText, name: Type.String() }),
  Type.Object({ event: Type.Literal('offer'), transferId: TransferId, from: PeerRef, files: Type.Array(ManifestEntry), fileCount: Type.Integer(), totalBytes: Type.Integer() }),
  Type.Object({ event: Type.Literal('accepted'), transferId: TransferId, peer: PeerRef }),
  Type.Object({ event: Type.Literal('declined'), transferId: TransferId, peer: PeerRef, code: ErrorCodeText, message: ErrorMessageText }),
  Type.Object({
    event: Type.Literal('connection'),
    peer: PeerRef,
    type: Type.Union([Type.Literal('direct'), Type.Literal('relayed')]),
    transport: Type.String(),
    remoteAddr: Type.String(),
    /** Direct only: how it got through (added later: readers must accept its absence). */
    route: Type.Optional(ConnectionRoute),
    /** The transfer's bytes go over a direct data lane beside the libp2p connection (docs/protocol.md §4.8). */
    lane: Type.Optional(Type.Boolean())
  }),
  Type.Object({
    event: Type.Literal('progress'),
    transferId: TransferId,
    direction: Type.Union([Type.Literal('send'), Type.Literal('receive')]),
    bytes: Type.Integer(),
    total: Type.Integer(),
    bytesPerSecond: Type.Number(),
    etaSeconds: Type.Union([Type.Number(), Type.Null()])
  }),
  Type.Object({ event: Type.Literal('file-complete'), transferId: TransferId, path: Type.String(), size: Type.Integer(), blake3: Type.String() }),
  Type.Object({
    event: Type.Literal('done'),
    transferId: TransferId,
    direction: Type.Union([Type.Literal('send'), Type.Literal('receive')]),
    files: Type.Integer(),
    bytes: Type.Integer(),
    durationMs: Type.Number(),
    /** Receiver only: the folder the files were saved in. */
    savedTo: Type.Optional(Type.String())
  }),
  Type.Object({ event: Type.Literal('error'), code: ErrorCodeText, message: ErrorMessageText, transferId: Type.Optional(TransferId) }),
  /** The transfer was interrupted and will be tried again (resuming where it stopped) in `inMs`. */
  Type.Object({
    event: Type.Literal('retrying'),
    transferId: Type.Optional(TransferId),
    attempt: Type.Integer({ minimum: 1 }),
    inMs: Type.Integer({ minimum: 0 }),
    reason: Type.Object({ code: ErrorCodeText, message: ErrorMessageText })
  })
])
export type ClientEvent = Static<typeof ClientEvent>
export type ClientEventName = ClientEvent['event']
export type ClientEventOf<N extends ClientEventName> = Extract<ClientEvent, { event: N }>
