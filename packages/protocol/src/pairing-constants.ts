/** Pairing limits and paths shared by the signal server's mailbox and the clients (docs/protocol.md, "Pairing"). */

/** Path of the signal server's pairing mailbox WebSocket. */
export const PAIRING_WS_PATH = '/v1/pair'
/** Digits of the nameplate the server allocates: 900 values, plenty for the server's cap on open mailboxes. */
export const PAIRING_NAMEPLATE_DIGITS = 3
/** Digits of the secret part of a code, never sent to the server: one guess in a million per nameplate. */
export const PAIRING_SECRET_DIGITS = 6
/** Largest mailbox message body, in UTF-8 bytes of JSON: a group element, a MAC or a sealed identity fit. */
export const MAX_PAIRING_BODY_BYTES = 2 * 1024
/** Largest WebSocket message on the pairing route (a body plus its envelope). */
export const MAX_PAIRING_MESSAGE_BYTES = 4 * 1024
/** Bodies each side may send through one mailbox: pake, confirm, identity, and one spare for a failure notice. */
export const MAX_PAIRING_BODIES_PER_SIDE = 4
/** A mailbox nobody joined (or that did not finish) is closed after this: long enough to read a code out loud. */
export const PAIRING_MAILBOX_TTL_MS = 10 * 60_000
