import Type, { type Static } from 'typebox'
import { base64UrlOf } from './common-schemas.ts'
import { LANE_RELAY_TICKET_BYTES, LANE_SECRET_BYTES, LANE_TICKET_BYTES } from './constants.ts'
import { createSchemaDecoder } from './schema-decoder.ts'

/**
 * `/p2pft/lane/1.0.0`: the receiver writes this as UTF-8 JSON (at most
 * MAX_LANE_RESPONSE_BYTES) and closes. The sender connects a plain TCP socket to
 * `port` at the address its libp2p connection reached, presents `ticket`, and both
 * sides seal every byte with keys derived from `secret` (docs/protocol.md §4.8).
 * The secret travels only inside the libp2p connection's secure channel.
 */
export const LaneResponse = Type.Object({
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  ticket: base64UrlOf(LANE_TICKET_BYTES),
  secret: base64UrlOf(LANE_SECRET_BYTES),
  /**
   * Over a relayed connection: `port` is the lane relay's on the relay's host, and both ends
   * present this ticket there to be spliced together (§4.9).
   */
  relayTicket: Type.Optional(base64UrlOf(LANE_RELAY_TICKET_BYTES))
})
export type LaneResponse = Static<typeof LaneResponse>

export const laneResponseDecoder = createSchemaDecoder(LaneResponse, 'PROTOCOL_INVALID_MESSAGE', 'lane response')
