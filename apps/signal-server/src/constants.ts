/** Limits of the signal-server process itself. */

/** A stop signal ends the process within this long even if something hangs (clients reconnect anyway). */
export const SHUTDOWN_TIMEOUT_MS = 5_000
