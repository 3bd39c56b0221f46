/** Relay defaults, sized for file transfers (libp2p's own defaults end a relayed transfer at ~64 KiB). */

/** The relay's TCP port, next to the HTTP port (8787) so firewalls open one small range. */
export const DEFAULT_RELAY_PORT = 8788
/** Peers that may hold a reservation at once: libp2p's 15 is for a volunteer relay, this one is ours. */
export const DEFAULT_RELAY_MAX_RESERVATIONS = 1024
/** Bytes one relayed connection may carry: large files go through whole, abuse still ends eventually. */
export const DEFAULT_RELAY_DATA_LIMIT_BYTES = 64 * 1024 * 1024 * 1024
/** Seconds one relayed connection may stay open: a day covers a large transfer on a slow link. */
export const DEFAULT_RELAY_DURATION_LIMIT_SECONDS = 24 * 60 * 60
/** Longest duration limit: the relay arms one setTimeout with it, and timers overflow past 2^31-1 ms. */
export const MAX_RELAY_DURATION_LIMIT_SECONDS = Math.floor((2 ** 31 - 1) / 1000)
/** Reservations one public address may hold: a household or office has a few devices behind its NAT, one address must not take the whole relay. */
export const DEFAULT_RELAY_MAX_RESERVATIONS_PER_IP = 32
/** Relay connections one address may hold beyond two per reservation: identify, a dial in progress, a reconnect racing the old connection. */
export const RELAY_CONNECTION_HEADROOM_PER_IP = 8
/** Connections beyond two per reservation (holder + dialer): room for identify, pings and churn. */
export const RELAY_CONNECTION_HEADROOM = 64
/** Bound on stopping the libp2p node: after an aborted connection `stop()` may never settle. */
export const RELAY_STOP_TIMEOUT_MS = 3_000
