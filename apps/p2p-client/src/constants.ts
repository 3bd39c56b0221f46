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
export const INFO_QUERY_TIMEOUT_MS = 3_000
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
/** History database in the data dir (node:sqlite). */
export const HISTORY_FILE_NAME = 'history.sqlite'
/** Oldest history entries beyond this are dropped, so the file stays small. */
export const HISTORY_MAX_ENTRIES = 1000
/** Where the running daemon writes its API URL and token (0600) for the CLI to find it. */
export const DAEMON_ENDPOINT_FILE_NAME = 'daemon.json'
/** The app window's own browser profile, inside the data dir. */
export const BROWSER_PROFILE_DIR_NAME = 'browser-profile'
/** Dropped files wait here (inside the data dir) until sent, then are deleted. */
export const UPLOADS_DIR_NAME = 'uploads'
/** Finished transfers stay in the Transfers list for this long before only History shows them. */
export const FINISHED_TRANSFER_KEEP_MS = 10 * 60_000
/** State snapshots on the WebSocket are coalesced to at most one per this interval. */
export const STATE_PUSH_INTERVAL_MS = 200
/** The local API listens here only: never on a network interface. */
export const LOCAL_API_HOST = '127.0.0.1'
/** Bytes of randomness in the per-run API token. */
export const LOCAL_API_TOKEN_BYTES = 32
/** Longest a native file dialog may stay open before we give up on it. */
export const FILE_DIALOG_TIMEOUT_MS = 30 * 60_000
/** Devices marked "always accept" in the GUI, in the data dir. */
export const TRUSTED_DEVICES_FILE_NAME = 'trusted-devices.json'
/** A WebSocket client this far behind gets no more events (snapshots still go), so a stalled page costs little memory. */
export const LOCAL_API_WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024
/** Receivers' resume journals (one per unfinished transfer), inside the data dir. */
export const TRANSFER_STATE_DIR_NAME = 'transfers'
