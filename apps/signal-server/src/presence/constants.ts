/** Limits and WebSocket close codes of the presence service. */

/** A client must register this soon after `hello`, so idle unauthenticated sockets do not pile up. */
export const REGISTER_TIMEOUT_MS = 10_000
/** How often sessions are checked for silence; small next to the heartbeat timeout. */
export const HEARTBEAT_CHECK_INTERVAL_MS = 1_000
/** Open WebSocket sessions at most (registered or not): ~10k small sessions fit well inside 1 GiB. */
export const MAX_SESSIONS = 10_000
/** Open sessions from one public address (IPv4, or IPv6 /64) at most: a home or office has far fewer devices, a carrier-grade NAT a few busy ones. */
export const MAX_SESSIONS_PER_IP = 128
/** New WebSocket connections per second one address may keep up: clients reconnect with backoff, so only a script goes faster. */
export const IP_CONNECTS_PER_SECOND = 5
/** New connections one address may open at once: a whole office reconnecting after an outage. */
export const IP_CONNECT_BURST = 30
/** Rooms a connection may join per second, steady: people change rooms by hand, so this only slows scripts guessing room names. */
export const ROOM_JOINS_PER_SECOND = 0.5
/** Rooms a connection may join at once: twice MAX_ROOMS_PER_CLIENT, so register and one full change of rooms always pass. */
export const ROOM_JOIN_BURST = 16
/** Peers in one room at most: a room is a group of people, and every join fans out to all members. */
export const MAX_PEERS_PER_ROOM = 512
/** Peers grouped by one public network at most: a carrier-grade NAT must not fan out to thousands. */
export const MAX_PEERS_PER_NETWORK = 512
/** Rooms on the server at most: each holds a little memory, and 10,000 sessions rarely need more than a few rooms each. */
export const MAX_ROOMS = 20_000
/** Peers sharing one pair tag at most: a pairing joins a person's few devices; a tag shared by crowds is not a pairing and must not fan out. */
export const MAX_PEERS_PER_PAIR_TAG = 16
/** Pair tags on the server at most: bounds memory (~300 bytes each, so ~150 MiB) even if every session sends the full MAX_PAIR_TAGS_PER_CLIENT. */
export const MAX_PAIR_TAGS = 500_000
/** Invalid messages tolerated per connection before it is closed: a buggy client, not an attacker, gets a few. */
export const MAX_INVALID_MESSAGES = 20
/** Messages per second a client may keep up: heartbeats plus bursts of rendezvous are far below this. */
export const RATE_LIMIT_MESSAGES_PER_SECOND = 50
/** Messages a client may send at once after being quiet. */
export const RATE_LIMIT_BURST = 100
/** A flooding client is told it is rate limited at most this often, so the notices do not become a flood themselves. */
export const RATE_LIMIT_NOTICE_INTERVAL_MS = 1_000
/** Bytes queued for one client before it counts as not reading, so one slow socket cannot hold server memory. */
export const MAX_SEND_BUFFER_BYTES = 1024 * 1024
/** Time a closing socket gets to finish the close handshake before it is destroyed. */
export const CLOSE_GRACE_MS = 1_000
/** Random bytes in a `hello` nonce (24 base64url characters): unguessable per connection. */
export const NONCE_BYTES = 18

/** WebSocket close codes the server uses; 4xxx are ours (docs in the README). */
export const CLOSE_GOING_AWAY = 1001
export const CLOSE_POLICY_VIOLATION = 1008
export const CLOSE_INTERNAL_ERROR = 1011
export const CLOSE_TRY_AGAIN_LATER = 1013
export const CLOSE_AUTH_FAILED = 4001
export const CLOSE_REPLACED = 4002
export const CLOSE_TIMEOUT = 4003
export const CLOSE_TOO_SLOW = 4004
