/** Defaults of the signal server's command line. */

/** A public server listens on every interface. */
export const DEFAULT_HOST = '0.0.0.0'
/** HTTP + WebSocket port; unprivileged and unlikely to clash. */
export const DEFAULT_PORT = 8787
/** Most reservations anyone may configure: each holds a connection, and file descriptors run out first. */
export const MAX_RELAY_RESERVATIONS = 1_000_000
