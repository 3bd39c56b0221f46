import type { IncomingMessage } from 'node:http'
import fastifyWebsocket from '@fastify/websocket'
import { MAX_SIGNAL_MESSAGE_BYTES, OBSERVED_ADDRESS_PATH, ObservedAddressResponse, SIGNAL_WS_PATH, type ErrorCode } from '@p2pft/protocol'
import Fastify from 'fastify'
import type { Logger } from 'pino'
import { observedAddressOf, type ObservedAddress, type PresenceHub } from '../presence/index.ts'
import { registerPairingRoute } from '../pairing/index.ts'
import type { RelayInfo } from '../relay/index.ts'
import { HealthResponse, HttpErrorBody } from './http-bodies.ts'

export interface HttpAppDeps {
  log: Logger
  hub: PresenceHub
  relay: RelayInfo | null
}

export interface HttpAppOptions {
  /**
   * Where a WebSocket client connects from, as told in `hello`. Tests replace it to
   * put clients on different networks; X-Forwarded-For is not trusted by default.
   * @default the TCP peer address, `::ffff:` stripped
   */
  observeAddress?: (request: IncomingMessage) => ObservedAddress
  /** @default Date.now */
  now?: () => number
}

/** The Fastify app: GET /healthz, the signal WebSocket at SIGNAL_WS_PATH, JSON errors for everything else. */
export async function createHttpApp (deps: HttpAppDeps, options: HttpAppOptions = {}) {
  const log = deps.log.child({ component: 'http' })
  const now = options.now ?? Date.now
  const startedAtMs = now()
  const observeAddress = options.observeAddress ?? ((request: IncomingMessage) => observedAddressOf(request.socket))

  const app = Fastify({
    loggerInstance: log,
    // Keep-alive HTTP sockets must not hold up shutdown.
    forceCloseConnections: true
  })

  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_SIGNAL_MESSAGE_BYTES },
    // `ws` closes the socket itself on protocol errors (1009 for an oversized message,
    // 1002 for a bad frame); the default handler would cut it off before the close frame.
    errorHandler: (err) => { log.debug({ err }, 'websocket error') }
  })

  app.get('/healthz', { schema: { response: { 200: HealthResponse } } }, async () => {
    const body: HealthResponse = {
      status: 'ok',
      peers: deps.hub.peerCount,
      relay: deps.relay,
      uptimeSeconds: Math.floor((now() - startedAtMs) / 1000)
    }
    return body
  })

  // Clients learn their public TCP mapping from a local port they chose, for hole punching.
  app.get(OBSERVED_ADDRESS_PATH, { schema: { response: { 200: ObservedAddressResponse } } }, async (request) => {
    const body: ObservedAddressResponse = observeAddress(request.raw)
    return body
  })

  app.route({
    method: 'GET',
    url: SIGNAL_WS_PATH,
    schema: { response: { 426: HttpErrorBody } },
    handler: async (_request, reply) => {
      return await reply.code(426).header('upgrade', 'websocket').send(errorBody('PROTOCOL_UNEXPECTED_MESSAGE', `${SIGNAL_WS_PATH} speaks WebSocket only`))
    },
    wsHandler: (socket, request) => {
      deps.hub.attach(socket, observeAddress(request.raw))
    }
  })

  registerPairingRoute(app, { log: deps.log, observeAddress })

  app.setNotFoundHandler(async (request, reply) => {
    // No dedicated "no such route" code exists yet; the request is one this server does not expect.
    return await reply.code(404).send(errorBody('PROTOCOL_UNEXPECTED_MESSAGE', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`))
  })

  app.setErrorHandler(async (err, request, reply) => {
    const statusCode = typeof err === 'object' && err != null && 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500
    if (statusCode >= 500) {
      log.error({ err, url: request.url }, 'request failed')
      return await reply.code(500).send(errorBody('INTERNAL_ERROR', 'the server failed to answer this request'))
    }
    const message = err instanceof Error ? err.message : 'bad request'
    return await reply.code(statusCode).send(errorBody('PROTOCOL_INVALID_MESSAGE', message))
  })

  return app
}

function errorBody (code: ErrorCode, message: string): HttpErrorBody {
  return { error: { code, message } }
}
