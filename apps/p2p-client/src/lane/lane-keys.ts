import { hkdfSync } from 'node:crypto'
import { LANE_RECEIVER_KEY_LABEL, LANE_SENDER_KEY_LABEL } from './constants.ts'

/** AES-256-GCM keys of one lane end: what it seals with and what it opens with. */
export interface LaneKeys {
  sealKey: Buffer
  openKey: Buffer
}

export type LaneRole = 'sender' | 'receiver'

/** Both directions' keys from the lane secret, salted with the ticket (HKDF-SHA256), as seen by `role`. */
export function deriveLaneKeys (secret: Uint8Array, ticket: Uint8Array, role: LaneRole): LaneKeys {
  const toReceiver = Buffer.from(hkdfSync('sha256', secret, ticket, LANE_SENDER_KEY_LABEL, 32))
  const toSender = Buffer.from(hkdfSync('sha256', secret, ticket, LANE_RECEIVER_KEY_LABEL, 32))
  return role === 'sender' ? { sealKey: toReceiver, openKey: toSender } : { sealKey: toSender, openKey: toReceiver }
}
