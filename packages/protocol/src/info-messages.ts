import Type, { type Static } from 'typebox'
import { DisplayName } from './common-schemas.ts'
import { createSchemaDecoder } from './schema-decoder.ts'

/**
 * `/p2pft/info/1.0.0`: the responder writes this as UTF-8 JSON (at most
 * MAX_INFO_RESPONSE_BYTES) and closes. mDNS finds PeerIds; this finds their names.
 */
export const InfoResponse = Type.Object({ name: DisplayName })
export type InfoResponse = Static<typeof InfoResponse>

export const infoResponseDecoder = createSchemaDecoder(InfoResponse, 'PROTOCOL_INVALID_MESSAGE', 'info response')
