import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { LOCAL_API_PREFIX, PairingJoinRequest, PeerIdParams, type OkResponse } from '@p2pft/protocol'
import type { PairingService } from '../pairing/pairing-service.ts'

const OK: OkResponse = { ok: true }

/**
 * Pairing and device trust on the local API (docs/protocol.md, "Local API"):
 * POST /v1/pairing (show a code), POST /v1/pairing/join (enter one), DELETE /v1/pairing,
 * POST /v1/devices/:peerId/unpair | block | unblock.
 */
export function registerPairingRoutes (api: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>, pairing: PairingService): void {
  api.post(`${LOCAL_API_PREFIX}/pairing`, async () => await pairing.start())
  api.post(`${LOCAL_API_PREFIX}/pairing/join`, { schema: { body: PairingJoinRequest } }, async (request) => {
    return await pairing.join((request.body as PairingJoinRequest).code)
  })
  api.delete(`${LOCAL_API_PREFIX}/pairing`, async () => {
    pairing.cancel()
    return OK
  })
  api.post(`${LOCAL_API_PREFIX}/devices/:peerId/unpair`, { schema: { params: PeerIdParams } }, async (request) => {
    await pairing.unpair((request.params as PeerIdParams).peerId)
    return OK
  })
  api.post(`${LOCAL_API_PREFIX}/devices/:peerId/block`, { schema: { params: PeerIdParams } }, async (request) => {
    await pairing.block((request.params as PeerIdParams).peerId)
    return OK
  })
  api.post(`${LOCAL_API_PREFIX}/devices/:peerId/unblock`, { schema: { params: PeerIdParams } }, async (request) => {
    await pairing.unblock((request.params as PeerIdParams).peerId)
    return OK
  })
}
