/** Protocol IDs and limits shared by every side. Limits are checked while decoding. */

/** libp2p protocol for one transfer; the major version changes only on breaking changes. */
export const TRANSFER_PROTOCOL_ID = '/p2pft/transfer/1.0.0'
/** libp2p protocol that answers a peer's display name (mDNS gives only PeerIds). */
export const INFO_PROTOCOL_ID = '/p2pft/info/1.0.0'
/** Version of the signal server's WebSocket protocol, sent in `hello`. */
export const SIGNAL_PROTOCOL_VERSION = 1
/** Path of the signal server's WebSocket endpoint. */
export const SIGNAL_WS_PATH = '/v1/ws'

/** Chunk size used by senders: large enough for throughput, small enough to re-send cheaply. */
export const DEFAULT_CHUNK_SIZE_BYTES = 1024 * 1024
/** Largest chunk a receiver accepts (a sender may pick any size up to this). */
export const MAX_CHUNK_SIZE_BYTES = 4 * 1024 * 1024
/** Smallest chunk a receiver accepts, so a hostile sender cannot make us do per-byte work. */
export const MIN_CHUNK_SIZE_BYTES = 16 * 1024
/** Largest answer of the info protocol: a name, nothing more. */
export const MAX_INFO_RESPONSE_BYTES = 1024
/** Largest control frame (JSON): an offer of MAX_FILES entries with paths of ~100 bytes fits. */
export const MAX_CONTROL_FRAME_BYTES = 16 * 1024 * 1024
/** Most entries (files and folders) in one offer. */
export const MAX_FILES = 100_000
/** Longest path segment, in UTF-8 bytes (what common file systems allow). */
export const MAX_NAME_BYTES = 255
/** Longest relative path, in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4096
/** Deepest folder nesting in an offer. */
export const MAX_PATH_DEPTH = 64
/** Largest single file or total: 2^53 - 1 bytes, the largest exact integer in JSON. */
export const MAX_TOTAL_BYTES = Number.MAX_SAFE_INTEGER
/** Longest display name, in characters. */
export const MAX_DISPLAY_NAME_LENGTH = 64
/** Longest room name, in characters. */
export const MAX_ROOM_NAME_LENGTH = 64
/** Most rooms one client can join at once. */
export const MAX_ROOMS_PER_CLIENT = 8
/** Length of a pair tag: 32 bytes in base64url without padding. */
export const PAIR_TAG_LENGTH = 43
/** Most pair tags one client can announce: one per paired device, far more than a person pairs, and 256 tags still fit one signal message. */
export const MAX_PAIR_TAGS_PER_CLIENT = 256
/** Most multiaddrs one client can announce. */
export const MAX_ANNOUNCED_ADDRS = 32
/** Longest multiaddr string accepted. */
export const MAX_MULTIADDR_LENGTH = 512
/** Largest WebSocket message to or from the signal server. */
export const MAX_SIGNAL_MESSAGE_BYTES = 64 * 1024
/** Largest rendezvous payload forwarded between two peers (signalling only, never file data). */
export const MAX_RENDEZVOUS_PAYLOAD_BYTES = 8 * 1024
/** Clients send a heartbeat this often. */
export const SIGNAL_HEARTBEAT_INTERVAL_MS = 5_000
/** The server drops a client silent for this long, so it leaves lists within 15 s. */
export const SIGNAL_HEARTBEAT_TIMEOUT_MS = 12_000
/** Length of a BLAKE3 digest in bytes. */
export const BLAKE3_BYTES = 32
/** Text signed by a client to prove it owns its PeerId; the server nonce follows it. */
export const REGISTER_SIGNATURE_PREFIX = 'p2pft-signal-register/1:'
/** A transfer side that sent nothing for this long sends a `keepalive` frame, so its peer knows it is alive. */
export const TRANSFER_KEEPALIVE_INTERVAL_MS = 3_000
/** A peer that has sent keepalives and then is silent this long is gone (TRANSFER_PEER_GONE): two missed keepalives, noticed within 10 s. */
export const TRANSFER_KEEPALIVE_TIMEOUT_MS = 8_000
/**
 * Unacknowledged chunk bytes a receiver allows (offer-response `flowWindowBytes`): more than a
 * LAN's bandwidth-delay product, and what an interruption can cost at most in re-sent data.
 */
export const DEFAULT_FLOW_WINDOW_BYTES = 8 * 1024 * 1024
/**
 * Deepest nesting of arrays and objects a JSON message may have. Ours need 4; a hostile
 * value thousands deep would overflow JSON.stringify's stack where the signal server forwards it.
 */
export const MAX_JSON_DEPTH = 32
/**
 * Largest JSON input whose rejection names the offending field. Finding it walks the whole
 * value: on a hostile 16 MiB offer of 8 million bad entries that took 7 s and 3 GB, so
 * bigger inputs are refused with a plain "does not match".
 */
export const MAX_EXPLAINED_JSON_BYTES = 64 * 1024

/** libp2p protocol that hands out a ticket for a transfer's direct data lane (docs/protocol.md §4.8). */
export const LANE_PROTOCOL_ID = '/p2pft/lane/1.0.0'
/** Largest answer of the lane protocol: a port, a ticket and a key. */
export const MAX_LANE_RESPONSE_BYTES = 1024
/** Random bytes of a lane ticket: names the ticket in the clear, guessing one is hopeless. */
export const LANE_TICKET_BYTES = 16
/** Bytes of a lane's secret: an AES-256 key's worth. */
export const LANE_SECRET_BYTES = 32
/** First bytes on a lane's TCP connection, so a stray client or another protocol is told apart at once. */
export const LANE_MAGIC = 'p2pft-lane/1'
/** Largest plaintext of one lane record: one default chunk frame plus room, so records stay few and memory bounded. */
export const MAX_LANE_RECORD_PLAINTEXT_BYTES = 1024 * 1024 + 64 * 1024
/** First bytes of a connection to a signal server's lane relay, before the role byte and the relay ticket (§4.9). */
export const LANE_RELAY_MAGIC = 'p2pft-relay/1'
/** A lane relay ticket: random bytes the server hands a registered peer, presented by both ends of one splice. */
export const LANE_RELAY_TICKET_BYTES = 16
/** Role byte after LANE_RELAY_MAGIC: the peer the ticket was issued to (the receiver)... */
export const LANE_RELAY_ROLE_HOLDER = 1
/** ...or the peer it handed the ticket to (the sender). */
export const LANE_RELAY_ROLE_JOINER = 2
