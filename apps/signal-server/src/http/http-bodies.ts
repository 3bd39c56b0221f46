import Type, { type Static } from 'typebox'

/**
 * Bodies of the signal server's HTTP routes. They belong with the other wire
 * schemas in @p2pft/protocol once a client reads them; until then they live here.
 */

export const HealthResponse = Type.Object({
  status: Type.Literal('ok'),
  /** Registered peers, hidden ones included. */
  peers: Type.Integer({ minimum: 0 }),
  relay: Type.Union([
    Type.Null(),
    Type.Object({ peerId: Type.String(), tcpPort: Type.Integer({ minimum: 1, maximum: 65535 }), multiaddrs: Type.Array(Type.String()) })
  ]),
  uptimeSeconds: Type.Integer({ minimum: 0 })
})
export type HealthResponse = Static<typeof HealthResponse>

export const HttpErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() })
})
export type HttpErrorBody = Static<typeof HttpErrorBody>
