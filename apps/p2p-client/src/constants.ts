/** Client-wide constants; each says why it has its value. */

/** Identity key file in the data dir; kept private (0600) because it is the device's identity. */
export const IDENTITY_FILE_NAME = 'identity.key'
/** Settings file in the data dir, written by the daemon and the GUI. */
export const SETTINGS_FILE_NAME = 'settings.json'
/** How long `send` waits for the receiver to appear online before giving up. */
export const DEFAULT_PEER_WAIT_MS = 30_000
/** How long a dial may take before we try the next way (or fail). */
export const DIAL_TIMEOUT_MS = 15_000
/** How long the receiver may take to answer an offer (a person may be deciding). */
export const OFFER_ANSWER_TIMEOUT_MS = 10 * 60_000
/** How long `peers` listens before printing, so mDNS and the server can answer. */
export const PEERS_LISTEN_MS = 3_000
/** How long a LAN peer's name lookup may take before we ignore it. */
export const INFO_QUERY_TIMEOUT_MS = 5_000
/** Reconnect to the signal server after it drops, from 0.5 s doubling to 30 s. */
export const SIGNAL_RECONNECT_MIN_MS = 500
export const SIGNAL_RECONNECT_MAX_MS = 30_000
/** How long a shutdown may take before we exit anyway (libp2p's stop can hang after aborts, DESIGN.md). */
export const SHUTDOWN_TIMEOUT_MS = 5_000
/** Incoming transfer data queued beyond this pauses the stream, so a slow disk slows the sender. */
export const STREAM_READ_HIGH_WATER_BYTES = 8 * 1024 * 1024
/** ...and below this it resumes. */
export const STREAM_READ_LOW_WATER_BYTES = 2 * 1024 * 1024
/** Room for what is in flight when we pause: yamux lets a window of up to 16 MiB arrive (default cap 4 MB resets the stream). */
export const STREAM_MAX_READ_BUFFER_BYTES = 32 * 1024 * 1024
/** Outgoing data queued in a libp2p stream beyond this makes writers wait. */
export const STREAM_WRITE_HIGH_WATER_BYTES = 4 * 1024 * 1024
