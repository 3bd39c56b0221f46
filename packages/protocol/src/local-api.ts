import Type, { type Static } from 'typebox'
import { ClientEvent, ConnectionRoute } from './client-events.ts'
import { DisplayName, ErrorCodeText, ErrorMessageText, PeerIdText, RoomName } from './common-schemas.ts'
import { MAX_FILES } from './constants.ts'
import { PeerVisibility } from './signal-messages.ts'
import { ManifestEntry } from './transfer-messages.ts'

/**
 * The daemon's local API (docs/protocol.md, "Local API"): HTTP for commands, a WebSocket
 * for live events, on 127.0.0.1 with a per-run token. The GUI and the CLI are its clients.
 * Fastify validates requests with these objects; daemon-client decodes answers with them.
 */

/** Prefix of every API route; a breaking change gets `/v2/`. */
export const LOCAL_API_PREFIX = '/v1'
/** The WebSocket of live events. */
export const LOCAL_API_EVENTS_PATH = '/v1/events'
/** Query parameter carrying the token where no header can (WebSocket, links). */
export const LOCAL_API_TOKEN_PARAM = 'token'
/** Longest first line of an upload body (the JSON list of its files). */
export const MAX_UPLOAD_MANIFEST_BYTES = 16 * 1024 * 1024
/** Longest path a request may name (a local path, not a peer's). */
export const MAX_LOCAL_PATH_LENGTH = 4096
/** Most paths one send request may name; folders count as one. */
export const MAX_SEND_PATHS = 1000

const LocalPath = Type.String({ minLength: 1, maxLength: MAX_LOCAL_PATH_LENGTH })
const PeerRefView = Type.Object({ peerId: PeerIdText, name: Type.String() })
const ErrorView = Type.Object({ code: ErrorCodeText, message: ErrorMessageText })
const Direction = Type.Union([Type.Literal('send'), Type.Literal('receive')])

/** Every error answer: an HTTP status plus this body. */
export const ApiErrorBody = Type.Object({ error: ErrorView })
export type ApiErrorBody = Static<typeof ApiErrorBody>

/** A successful command with nothing to return. */
export const OkResponse = Type.Object({ ok: Type.Literal(true) })
export type OkResponse = Static<typeof OkResponse>

export const SelfView = Type.Object({
  peerId: PeerIdText,
  name: Type.String(),
  server: Type.Optional(Type.String()),
  /** True while registered with the signal server (false without one). */
  signalConnected: Type.Boolean()
})
export type SelfView = Static<typeof SelfView>

export const PeerView = Type.Object({
  peerId: PeerIdText,
  name: Type.String(),
  /** How it was found: mDNS on this LAN, the same public network, or a shared room. */
  via: Type.Array(Type.Union([PeerVisibility, Type.Literal('lan')])),
  /** How we are connected right now, if we are. */
  connection: Type.Union([Type.Literal('direct'), Type.Literal('relayed'), Type.Null()]),
  /** How the direct connection got through (absent when relayed or not connected). */
  connectionRoute: Type.Optional(ConnectionRoute),
  /** Words derived from the PeerId, to compare out loud (docs/protocol.md, "Fingerprints"). */
  fingerprint: Type.String(),
  /** Paired with this device (a short code was exchanged once). */
  paired: Type.Boolean()
})
export type PeerView = Static<typeof PeerView>

export const TransferStatus = Type.Union([
  Type.Literal('preparing'), // receiving dropped files from the page
  Type.Literal('connecting'),
  Type.Literal('waiting'), // the offer is out, the receiver has not answered
  Type.Literal('transferring'),
  Type.Literal('paused'), // the connection was lost; retrying with backoff, resumes where it stopped
  Type.Literal('completed'),
  Type.Literal('declined'),
  Type.Literal('cancelled'),
  Type.Literal('failed')
])
export type TransferStatus = Static<typeof TransferStatus>

export const TransferView = Type.Object({
  /** The daemon's id for this transfer (for a receive, the transfer id itself). */
  id: Type.String(),
  transferId: Type.Optional(Type.String()),
  direction: Direction,
  peer: PeerRefView,
  /** Top-level names, for display. */
  names: Type.Array(Type.String()),
  status: TransferStatus,
  bytes: Type.Integer(),
  /** 0 until known. */
  totalBytes: Type.Integer(),
  bytesPerSecond: Type.Number(),
  etaSeconds: Type.Union([Type.Number(), Type.Null()]),
  connection: Type.Optional(Type.Union([Type.Literal('direct'), Type.Literal('relayed')])),
  /** How the direct connection got through, as in the `connection` event. */
  connectionRoute: Type.Optional(ConnectionRoute),
  error: Type.Optional(ErrorView),
  startedAtMs: Type.Number(),
  finishedAtMs: Type.Optional(Type.Number()),
  savedTo: Type.Optional(Type.String()),
  /** A send that stopped (failed, or the daemon restarted) and can continue where it stopped: POST /v1/transfers/:id/resume. */
  resumable: Type.Optional(Type.Boolean())
})
export type TransferView = Static<typeof TransferView>

export const PendingOfferView = Type.Object({
  /** The transfer id; answer with /v1/offers/:id/accept or /decline. */
  id: Type.String(),
  from: PeerRefView,
  files: Type.Array(ManifestEntry),
  fileCount: Type.Integer(),
  totalBytes: Type.Integer(),
  receivedAtMs: Type.Number(),
  /** The sender's fingerprint: noise authenticated its PeerId, so these words name the device the files come from. */
  fingerprint: Type.Optional(Type.String()),
  paired: Type.Optional(Type.Boolean())
})
export type PendingOfferView = Static<typeof PendingOfferView>

export const AutoAcceptPolicy = Type.Union([
  Type.Literal('ask'), // ask every time, except devices marked "always accept"
  Type.Literal('paired'), // accept from paired devices (and "always accept" ones), ask the rest
  Type.Literal('all') // accept from everyone (trusted networks only)
])
export type AutoAcceptPolicy = Static<typeof AutoAcceptPolicy>

export const SettingsView = Type.Object({
  name: Type.String(),
  server: Type.Union([Type.String(), Type.Null()]),
  room: Type.Union([Type.String(), Type.Null()]),
  downloadDir: Type.String(),
  autoAccept: AutoAcceptPolicy,
  /** Devices whose offers are accepted without asking. */
  trustedPeers: Type.Array(PeerRefView),
  /** A cancelled receive keeps its partial data (`.part` and journal) to resume later. */
  keepPartial: Type.Optional(Type.Boolean())
})
export type SettingsView = Static<typeof SettingsView>

/** PUT /v1/settings: only the fields given change; `null` clears server or room. */
export const SettingsUpdateRequest = Type.Object({
  name: Type.Optional(DisplayName),
  server: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 2048 }), Type.Null()])),
  room: Type.Optional(Type.Union([RoomName, Type.Null()])),
  downloadDir: Type.Optional(LocalPath),
  autoAccept: Type.Optional(AutoAcceptPolicy),
  trustedPeers: Type.Optional(Type.Array(PeerIdText, { maxItems: 1000 })),
  keepPartial: Type.Optional(Type.Boolean())
}, { additionalProperties: false })
export type SettingsUpdateRequest = Static<typeof SettingsUpdateRequest>

/** A device in this device's trust store: paired, marked "always accept", or blocked. */
export const DeviceView = Type.Object({
  peerId: PeerIdText,
  name: Type.String(),
  fingerprint: Type.String(),
  paired: Type.Boolean(),
  pairedAtMs: Type.Optional(Type.Number()),
  autoAccept: Type.Boolean(),
  blocked: Type.Boolean(),
  online: Type.Boolean()
})
export type DeviceView = Static<typeof DeviceView>

/** The pairing this daemon is running, if any ("Pair a device" / "Enter code"). */
export const PairingView = Type.Object({
  status: Type.Union([Type.Literal('waiting'), Type.Literal('joining'), Type.Literal('paired'), Type.Literal('failed')]),
  /** While waiting: the code to type on the other device (never logged). */
  code: Type.Optional(Type.String()),
  expiresAtMs: Type.Optional(Type.Number()),
  /** Once paired: the other device. */
  device: Type.Optional(DeviceView),
  error: Type.Optional(ErrorView)
})
export type PairingView = Static<typeof PairingView>

/** POST /v1/pairing/join: the code the other device shows. */
export const PairingJoinRequest = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false })
export type PairingJoinRequest = Static<typeof PairingJoinRequest>

export const PeerIdParams = Type.Object({ peerId: PeerIdText })
export type PeerIdParams = Static<typeof PeerIdParams>

export const StateResponse = Type.Object({
  self: SelfView,
  peers: Type.Array(PeerView),
  /** Paired, auto-accepted and blocked devices, online or not. */
  devices: Type.Array(DeviceView),
  pairing: Type.Union([PairingView, Type.Null()]),
  transfers: Type.Array(TransferView),
  offers: Type.Array(PendingOfferView),
  settings: SettingsView,
  /** A changed setting (the server) takes effect only after the daemon restarts. */
  restartNeeded: Type.Boolean(),
  /** A native file dialog can be shown (zenity, kdialog, osascript, PowerShell). */
  dialogAvailable: Type.Boolean(),
  /** Grows whenever the history changes, so a client knows when to fetch it again. */
  historyRevision: Type.Integer()
})
export type StateResponse = Static<typeof StateResponse>

export const SendRequest = Type.Object({
  /** PeerId (or a unique display name). */
  to: Type.String({ minLength: 1, maxLength: 128 }),
  paths: Type.Array(LocalPath, { minItems: 1, maxItems: MAX_SEND_PATHS })
}, { additionalProperties: false })
export type SendRequest = Static<typeof SendRequest>

export const SendResponse = Type.Object({ id: Type.String() })
export type SendResponse = Static<typeof SendResponse>

/**
 * POST /v1/transfers/upload?to=… (application/octet-stream): the body is one line of JSON
 * (`UploadFile[]`) ending in `\n`, then every file's bytes, one after another, in that order.
 */
export const UploadQuery = Type.Object({ to: Type.String({ minLength: 1, maxLength: 128 }) })
export type UploadQuery = Static<typeof UploadQuery>

/** One file of an upload; `path` is relative (`folder/a.txt` for a dropped folder). */
export const UploadFile = Type.Object({
  path: Type.String({ minLength: 1, maxLength: MAX_LOCAL_PATH_LENGTH }),
  size: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
})
export const UploadFileList = Type.Array(UploadFile, { minItems: 1, maxItems: MAX_FILES })
export type UploadFile = Static<typeof UploadFile>

export const AcceptOfferRequest = Type.Object({
  /** Also accept future offers from this device without asking. */
  alwaysAccept: Type.Optional(Type.Boolean())
}, { additionalProperties: false })
export type AcceptOfferRequest = Static<typeof AcceptOfferRequest>

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) })
export type IdParams = Static<typeof IdParams>

export const HistoryResult = Type.Union([
  Type.Literal('completed'), Type.Literal('declined'), Type.Literal('cancelled'), Type.Literal('failed')
])
export type HistoryResult = Static<typeof HistoryResult>

export const HistoryEntryView = Type.Object({
  id: Type.String(),
  direction: Direction,
  peer: PeerRefView,
  /** Top-level names (files and folders). */
  names: Type.Array(Type.String()),
  fileCount: Type.Integer(),
  totalBytes: Type.Integer(),
  startedAtMs: Type.Number(),
  durationMs: Type.Number(),
  bytesPerSecond: Type.Number(),
  result: HistoryResult,
  error: Type.Optional(ErrorView),
  /** Receiver: the folder the files were saved in. */
  savedTo: Type.Optional(Type.String())
})
export type HistoryEntryView = Static<typeof HistoryEntryView>

export const HistoryResponse = Type.Object({ entries: Type.Array(HistoryEntryView) })
export type HistoryResponse = Static<typeof HistoryResponse>

export const OpenFilesResponse = Type.Object({
  /** Empty when the person cancelled the dialog. */
  paths: Type.Array(Type.String())
})
export type OpenFilesResponse = Static<typeof OpenFilesResponse>

export const PickFolderResponse = Type.Object({ path: Type.Union([Type.String(), Type.Null()]) })
export type PickFolderResponse = Static<typeof PickFolderResponse>

/** A full snapshot, sent on connect and (coalesced) after every change. */
export const StateEvent = Type.Object({ event: Type.Literal('state'), state: StateResponse })
export type StateEvent = Static<typeof StateEvent>

/** One WebSocket message from /v1/events: a ClientEvent (as `--json` prints) or a snapshot. */
export const DaemonEvent = Type.Union([StateEvent, ClientEvent])
export type DaemonEvent = Static<typeof DaemonEvent>

/** How the CLI finds a running daemon: `daemon.json` in the data dir (mode 0600). */
export const DaemonEndpoint = Type.Object({ url: Type.String(), token: Type.String(), pid: Type.Integer() })
export type DaemonEndpoint = Static<typeof DaemonEndpoint>
