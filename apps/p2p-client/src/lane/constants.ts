/** Data lane constants; each says why it has its value. */

/** A sender gives up on the lane (and uses the libp2p stream) after this long without a TCP connect: a firewall that drops SYNs. */
export const LANE_CONNECT_TIMEOUT_MS = 2_000
/** ...or without the receiver's ready record after connecting. */
export const LANE_READY_TIMEOUT_MS = 3_000
/** How long the lane protocol's request may take: one small JSON answer over an open connection. */
export const LANE_REQUEST_TIMEOUT_MS = 5_000
/** A ticket not used this long is dropped: the sender connects right after it got it. */
export const LANE_TICKET_TTL_MS = 15_000
/** Most unused tickets held at once (oldest dropped first), so requests cannot grow memory. */
export const MAX_LANE_TICKETS = 256
/** A connection that has not presented a ticket this long after connecting is closed. */
export const LANE_HELLO_TIMEOUT_MS = 5_000
/** Outgoing records queued in the socket beyond this make writers wait: about one record, as the kernel's socket buffer keeps the link busy and a buffer queued longer outlives young collections (bin/p2p-client.js). */
export const LANE_WRITE_HIGH_WATER_BYTES = 1 * 1024 * 1024
/** Verified plaintext queued beyond this pauses the socket (the kernel holds the rest), so a slow disk slows the sender... */
export const LANE_READ_HIGH_WATER_BYTES = 2 * 1024 * 1024
/** ...and below this it resumes. */
export const LANE_READ_LOW_WATER_BYTES = 1 * 1024 * 1024
/** HKDF labels: one key per direction, so no nonce is ever used twice under one key. */
export const LANE_SENDER_KEY_LABEL = 'p2pft-lane/1 sender to receiver'
export const LANE_RECEIVER_KEY_LABEL = 'p2pft-lane/1 receiver to sender'
