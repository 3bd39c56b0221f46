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
