export { registerPairingRoute } from './register-pairing-route.ts'
export type { PairingRouteDeps } from './register-pairing-route.ts'
export { createPairingMailboxes } from './pairing-mailboxes.ts'
export type { MailboxSide, PairingMailboxes, PairingMailboxesOptions } from './pairing-mailboxes.ts'
