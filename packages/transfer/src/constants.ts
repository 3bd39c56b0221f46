/** Limits and timings of the transfer engine. Wire limits live in @p2pft/protocol. */

/** Progress events at most this often: faster updates are noise to people and cost CPU on many-file transfers. */
export const PROGRESS_INTERVAL_MS = 200
/** Speed is averaged over this window: long enough to smooth bursts, short enough to follow a changing link. */
export const SPEED_WINDOW_MS = 2_000
/** Free space kept beyond the offer's size, for file-system metadata and other writers on the same disk. */
export const FREE_SPACE_MARGIN_BYTES = 16 * 1024 * 1024
/** How long a failing side waits for the peer to read its abort frame before resetting the stream. */
export const ABORT_LINGER_MS = 2_000
/** How long a finished side waits for the peer to close its half of the stream before resetting it. */
export const FINISH_TIMEOUT_MS = 10_000
/** Suffix of a file still being received; it is renamed away only after its hash is verified. */
export const PART_SUFFIX = '.part'
/** Most numbered alternatives (`name (n).ext`) tried before giving up, so a full folder cannot loop us forever. */
export const MAX_NAME_ATTEMPTS = 10_000
/** Bytes an in-memory stream buffers before `write` waits: about a yamux window, so tests see real backpressure. */
export const MEMORY_STREAM_BUFFER_BYTES = 256 * 1024
/** Longest error message put on the wire (protocol's ErrorMessageText allows 1024 characters). */
export const MAX_WIRE_MESSAGE_LENGTH = 1_000
/** Largest |time| in ms a `Date` (and so utimes) can hold; offered mtimes beyond it are not restored. */
export const MAX_DATE_MS = 8.64e15
