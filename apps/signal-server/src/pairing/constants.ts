/** Limits of the pairing mailbox; each says why it has its value. */

/** Open mailboxes on the server at most: fits easily in 900 three-digit nameplates and in memory. */
export const MAX_OPEN_MAILBOXES = 500
/** Mailboxes waiting at once from one public address: a person pairs one device at a time; a few for a family. */
export const MAX_OPEN_MAILBOXES_PER_IP = 4
/** Joins per second one address may keep up: people type codes by hand; scripts guessing nameplates are slowed to a crawl. */
export const JOINS_PER_SECOND_PER_IP = 0.2
/** Joins one address may make at once: a few typos in a row, or a household pairing several devices. */
export const JOIN_BURST_PER_IP = 10
/** Tries to find an unused random nameplate before saying the server is full. */
export const NAMEPLATE_ALLOCATION_TRIES = 50
/** WebSocket close code after an error the mailbox told the client about. */
export const CLOSE_PAIRING_ERROR = 4400
/** WebSocket close code when the other side left or the mailbox finished. */
export const CLOSE_PAIRING_DONE = 1000
