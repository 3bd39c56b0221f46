/** Defaults of the signal server's command line. */

/** A public server listens on every interface. */
export const DEFAULT_HOST = '0.0.0.0'
/** HTTP + WebSocket port; unprivileged and unlikely to clash. */
export const DEFAULT_PORT = 8787
/** Most sessions anyone may configure: each holds a socket and a little memory, and file descriptors run out first. */
export const MAX_SESSIONS_LIMIT = 1_000_000
/** Highest per-address connect rate anyone may configure: beyond this the limit protects nothing. */
export const MAX_IP_CONNECT_RATE = 10_000
/** Most reservations anyone may configure: each holds a connection, and file descriptors run out first. */
export const MAX_RELAY_RESERVATIONS = 1_000_000
