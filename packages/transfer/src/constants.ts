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
/** Frames queued for one stream write before `send` waits for it: many small frames per write, at most a few big chunks in memory. */
export const WRITE_BATCH_BYTES = 256 * 1024
/** Received files verified, synced and renamed at once while the next ones arrive: enough to hide an fsync per small file, few enough open handles. */
export const MAX_FILES_FINISHING = 32
/** `.part` files a receiver creates ahead of the chunks that fill them, so a folder of small files waits for no open per file. */
export const OPEN_AHEAD_FILES = 16
/** Bytes of small files a sender reads ahead of the one it sends: hides their disk round trips at little memory. */
export const READ_AHEAD_BYTES = 4 * 1024 * 1024
/** Small files read ahead at once, each with an open handle while it is read: well under any fd limit. */
export const READ_AHEAD_FILES = 64
/** A receiver flushes a file to disk in the background after this many new bytes, so the fsync before its rename is short. */
export const SYNC_AHEAD_BYTES = 64 * 1024 * 1024
/** Files this big or bigger are written past the page cache (direct-writes.ts): below it, an extra open and copy per file cost more than the cache does. */
export const DIRECT_WRITE_MIN_BYTES = 8 * 1024 * 1024
/** lstat calls in flight while a sender lists a folder: a folder of thousands of small files waits for a disk round trip per batch, not per file. */
export const MANIFEST_STATS_AT_ONCE = 32
/** A receiver's chunk acks and file results wait up to this long to go out together: one stream write per batch, not per small file. */
export const REPLY_DELAY_MS = 5
/** Acknowledged bytes past this go out at once: an eighth of the default flow window, so the sender never waits on the delay. */
export const ACK_AT_ONCE_BYTES = 1024 * 1024
/** Read buffers a frame channel tracks for freeing (a few are in use at a time); past this the oldest is left to garbage collection, so a reader that never releases a chunk holds nothing extra. */
export const MAX_TRACKED_READ_BUFFERS = 16
