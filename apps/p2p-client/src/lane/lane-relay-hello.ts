import { LANE_RELAY_MAGIC, LANE_RELAY_ROLE_HOLDER, LANE_RELAY_ROLE_JOINER } from '@p2pft/protocol'

/**
 * What an end writes first on its socket to the signal server's lane relay (§4.9): the
 * magic, its role (the receiver holds the ticket, the sender joins it) and the ticket.
 */
export function laneRelayHello (role: 'holder' | 'joiner', relayTicket: string): Buffer {
  return Buffer.concat([
    Buffer.from(LANE_RELAY_MAGIC, 'latin1'),
    Buffer.of(role === 'holder' ? LANE_RELAY_ROLE_HOLDER : LANE_RELAY_ROLE_JOINER),
    Buffer.from(relayTicket, 'base64url')
  ])
}
