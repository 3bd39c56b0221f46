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
/** Dropped files are staged here (inside the data dir) while they are sent, and kept while the send can be resumed. */
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
/** A WebSocket client this far behind gets no more events (snapshots still go), so a stalled page costs little memory. */
export const LOCAL_API_WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024
/** Receivers' resume journals (one per unfinished transfer), inside the data dir. */
export const TRANSFER_STATE_DIR_NAME = 'transfers'
/** The daemon's unfinished sends (for Resume after a restart), inside the data dir. */
export const OUTGOING_TRANSFERS_FILE_NAME = 'outgoing-transfers.json'
/** The daemon retries an interrupted send this long without progress: rides out a peer switched off overnight. */
export const DAEMON_SEND_RETRY_FOR_MS = 24 * 60 * 60_000
/** Resume journals untouched this long belong to transfers nobody will finish (a sender that gave up): pruned at daemon start. */
export const STALE_JOURNAL_MAX_AGE_MS = 14 * 24 * 60 * 60_000
/** A request from the CLI to the running daemon: its API answers at once, so longer means it hangs (then the CLI works alone). */
export const DAEMON_REQUEST_TIMEOUT_MS = 10_000
/** How often the CLI asks the daemon again for a receiver that is not online yet (send --wait). */
export const DAEMON_PEER_POLL_MS = 500
/** Offers one unknown device may make back to back before it must wait: a few separate sends, not a prompt flood. */
export const OFFER_BURST_PER_PEER = 8
/** ...then it earns one more offer this often. */
export const OFFER_INTERVAL_PER_PEER_MS = 6_000
/** Offers from all unknown devices together back to back: PeerIds are free to make, so one attacker can be many peers. */
export const OFFER_BURST_OVERALL = 30
/** ...then one more this often. */
export const OFFER_INTERVAL_OVERALL_MS = 1_000
/** Devices whose offer counts are remembered; beyond it, those with a full allowance again are forgotten first. */
export const MAX_RATE_LIMITED_PEERS = 4096
/** Where a device accepts direct connections unless told otherwise (P2PFT_LISTEN): every IPv4 interface, a free port. */
export const DEFAULT_LISTEN_ADDRS = ['/ip4/0.0.0.0/tcp/0']
