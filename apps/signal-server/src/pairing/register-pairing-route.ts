import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { AppError, MAX_PAIRING_MESSAGE_BYTES, PAIRING_WS_PATH, clientToPairingDecoder, isAppError, type PairingToClient } from '@p2pft/protocol'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { ObservedAddress, SignalSocket } from '../presence/index.ts'
import { CLOSE_PAIRING_DONE, CLOSE_PAIRING_ERROR } from './constants.ts'
import { createPairingMailboxes, type MailboxSide, type PairingMailboxesOptions } from './pairing-mailboxes.ts'

export interface PairingRouteDeps {
  log: Logger
  observeAddress: (request: IncomingMessage) => ObservedAddress
}

/**
 * Serves the pairing mailbox WebSocket at PAIRING_WS_PATH (docs/protocol.md, "Pairing").
 * Each socket opens or joins one mailbox; the server only forwards opaque bodies.
 */
export function registerPairingRoute (app: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>, deps: PairingRouteDeps, options: PairingMailboxesOptions = {}): void {
  const log = deps.log.child({ component: 'pairing' })
  const mailboxes = createPairingMailboxes(options)

  app.addHook('preClose', (done) => { mailboxes.closeAll(); done() })

  app.route({
    method: 'GET',
    url: PAIRING_WS_PATH,
    handler: async (_request, reply) => {
      return await reply.code(426).header('upgrade', 'websocket').send({ error: { code: 'PROTOCOL_UNEXPECTED_MESSAGE', message: `${PAIRING_WS_PATH} speaks WebSocket only` } })
    },
    wsHandler: (socket: SignalSocket, request) => {
      let ended = false
      const side: MailboxSide = {
        ip: deps.observeAddress(request.raw).ip,
        send (message: PairingToClient) {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
        },
        end (error?: AppError) {
          if (ended) return
          ended = true
          if (error !== undefined) side.send({ type: 'error', code: error.code, message: error.message })
          socket.close(error === undefined ? CLOSE_PAIRING_DONE : CLOSE_PAIRING_ERROR, error?.code ?? 'done')
        }
      }
      socket.on('message', (data, isBinary) => {
        if (ended) return
        try {
          const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
          if (isBinary) throw new AppError('PROTOCOL_INVALID_MESSAGE', 'pairing messages are JSON text')
          if (bytes.length > MAX_PAIRING_MESSAGE_BYTES) throw new AppError('SIGNAL_MESSAGE_TOO_LARGE', `a pairing message is limited to ${MAX_PAIRING_MESSAGE_BYTES} bytes`)
          const message = clientToPairingDecoder.decodeJson(bytes)
          if (message.type === 'open') mailboxes.open(side)
          else if (message.type === 'join') mailboxes.join(side, message.nameplate)
          else mailboxes.forward(side, message.body)
        } catch (err) {
          const error = isAppError(err) ? err : new AppError('INTERNAL_ERROR', 'the server failed to handle a pairing message', { cause: err })
          if (error.code === 'INTERNAL_ERROR') log.error({ err }, 'pairing message failed')
          else log.debug({ code: error.code }, 'pairing request refused')
          // Any refusal ends the attempt, so a rejected join cannot be retried on the same socket.
          mailboxes.leave(side)
          side.end(error)
        }
      })
      socket.on('close', () => {
        ended = true
        mailboxes.leave(side)
      })
    }
  })
}
