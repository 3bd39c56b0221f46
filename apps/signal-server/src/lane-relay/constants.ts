/** Lane relay defaults: a splice is one relayed transfer, so these are sized in transfers, not bytes. */

/** The lane relay's TCP port, after HTTP (8787) and the libp2p relay (8788), so firewalls open one small range. */
export const DEFAULT_LANE_RELAY_PORT = 8789
/** Splices plus waiting tickets at once: each splice is two sockets and a transfer's bandwidth, so a few hundred is what one server carries. */
export const MAX_LANE_RELAY_SPLICES = 256
/** Unused tickets plus open splices one peer may hold: a few transfers at once and a retry or two, never the whole relay. */
export const MAX_LANE_RELAY_TICKETS_PER_PEER = 8
/** How long a ticket waits for both ends: the ticket travels over one signalling round trip, seconds at most, and unused ones must not pile up. */
export const LANE_RELAY_TICKET_TTL_MS = 15_000
/** Connections still owing their hello, from all addresses: each may hold a socket for LANE_RELAY_HELLO_TIMEOUT_MS, so a flood of idle ones must not take every file descriptor. */
export const MAX_LANE_RELAY_UNGREETED = 1024
/** ...and from one IPv4 address or IPv6 /64: a household opens a few at once, never dozens. */
export const MAX_LANE_RELAY_UNGREETED_PER_IP = 32
/** How long a new connection has to send its 30-byte hello: one packet for a real peer, so only an idle or hostile socket takes longer. */
export const LANE_RELAY_HELLO_TIMEOUT_MS = 5_000
