/** Limits of rendezvous forwarding. */

/** Senders a peer may answer without seeing them (a hidden peer that signalled it); a peer talks to a few at a time, the oldest are forgotten first. */
export const MAX_REMEMBERED_CONTACTS_PER_PEER = 256
