import Type, { type Static } from 'typebox'
import { createSchemaDecoder } from './schema-decoder.ts'

/** Where to ask the signal server which public address a TCP connection comes from. */
export const OBSERVED_ADDRESS_PATH = '/v1/observed-address'

const Ip = Type.String({ minLength: 2, maxLength: 45, pattern: '^[0-9a-fA-F:.]+$' })
const Port = Type.Integer({ minimum: 1, maximum: 65535 })

/** GET /v1/observed-address: the source address of this request as the server sees it. */
export const ObservedAddressResponse = Type.Object({ ip: Ip, port: Port })
export type ObservedAddressResponse = Static<typeof ObservedAddressResponse>
export const observedAddressDecoder = createSchemaDecoder(ObservedAddressResponse, 'PROTOCOL_INVALID_MESSAGE', 'observed address')

/**
 * Rendezvous payload for a TCP hole punch (inside a signal message). The sender offers
 * its public mapping; the receiver answers with its own; both then dial each other
 * from the mapped local port at once (TCP simultaneous open).
 */
export const HolePunchPayload = Type.Object({
  p2pft: Type.Literal('hole-punch'),
  phase: Type.Union([Type.Literal('offer'), Type.Literal('answer'), Type.Literal('abort')]),
  attemptId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  ip: Type.Optional(Ip),
  port: Type.Optional(Port)
})
export type HolePunchPayload = Static<typeof HolePunchPayload>
export const holePunchPayloadDecoder = createSchemaDecoder(HolePunchPayload, 'PROTOCOL_INVALID_MESSAGE', 'hole punch message')
