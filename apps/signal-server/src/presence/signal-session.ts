import { randomBytes } from 'node:crypto'
import { AppError, clientToSignalDecoder, isAppError, type ClientToSignal, type ErrorCode, type SignalToClient } from '@p2pft/protocol'
import type { Logger } from 'pino'
import {
  CLOSE_GRACE_MS, CLOSE_POLICY_VIOLATION, CLOSE_TOO_SLOW, MAX_INVALID_MESSAGES, MAX_SEND_BUFFER_BYTES, NONCE_BYTES,
  RATE_LIMIT_BURST, RATE_LIMIT_MESSAGES_PER_SECOND, RATE_LIMIT_NOTICE_INTERVAL_MS
} from './constants.ts'
import type { ObservedAddress } from './observed-address.ts'
import { SOCKET_OPEN, type SignalSocket } from './signal-socket.ts'
import { createTokenBucket } from './token-bucket.ts'

export interface SignalSessionDeps {
  socket: SignalSocket
  log: Logger
  /** Gets every decoded message that passed the rate limit. */
  onMessage: (session: SignalSession, message: ClientToSignal) => void
  /** Called once, when the session closes for any reason. */
  onClose: (session: SignalSession) => void
}

export interface SignalSessionOptions {
  observedAddress: ObservedAddress
  /** @default Date.now */
  now?: () => number
  /** @default MAX_INVALID_MESSAGES */
  maxInvalidMessages?: number
  /** @default RATE_LIMIT_MESSAGES_PER_SECOND */
  rateLimitPerSecond?: number
  /** @default RATE_LIMIT_BURST */
  rateLimitBurst?: number
  /** @default MAX_SEND_BUFFER_BYTES */
  maxSendBufferBytes?: number
  /** @default CLOSE_GRACE_MS */
  closeGraceMs?: number
}

/**
 * One client connection: turns frames into decoded messages (with a rate limit and
 * a budget of invalid messages) and messages into frames. What the messages mean
 * is the hub's business.
 */
export interface SignalSession {
  readonly id: number
  /** Sent in `hello`; the client signs it to register. */
  readonly nonce: string
  readonly observedAddress: ObservedAddress
  readonly connectedAtMs: number
  /** When the client last sent anything (any frame counts as alive). */
  readonly lastSeenAtMs: number
  /** Set by the hub once `register` is verified. */
  peerId: string | undefined
  readonly isClosed: boolean
  send: (message: SignalToClient) => void
  /** Sends an `error`; a `closeCode` makes it fatal and closes the connection. */
  sendError: (code: ErrorCode, message: string, closeCode?: number) => void
  close: (code: number, reason: string) => void
}

let lastSessionId = 0

export function createSignalSession (deps: SignalSessionDeps, options: SignalSessionOptions): SignalSession {
  const { socket } = deps
  const now = options.now ?? Date.now
  const maxInvalidMessages = options.maxInvalidMessages ?? MAX_INVALID_MESSAGES
  const maxSendBufferBytes = options.maxSendBufferBytes ?? MAX_SEND_BUFFER_BYTES
  const closeGraceMs = options.closeGraceMs ?? CLOSE_GRACE_MS
  const bucket = createTokenBucket({
    ratePerSecond: options.rateLimitPerSecond ?? RATE_LIMIT_MESSAGES_PER_SECOND,
    burst: options.rateLimitBurst ?? RATE_LIMIT_BURST,
    now
  })
  const id = ++lastSessionId
  const log = deps.log.child({ session: id })
  let invalidMessages = 0
  // Tell a flooding client once a second, not once per dropped message.
  let rateLimitNoticeAtMs = -Infinity
  let closed = false
  let lastSeenAtMs = now()

  const session: SignalSession = {
    id,
    nonce: randomBytes(NONCE_BYTES).toString('base64url'),
    observedAddress: options.observedAddress,
    connectedAtMs: now(),
    get lastSeenAtMs () { return lastSeenAtMs },
    peerId: undefined,
    get isClosed () { return closed },

    send (message) {
      if (closed || socket.readyState !== SOCKET_OPEN) return
      if (socket.bufferedAmount > maxSendBufferBytes) {
        log.warn({ bufferedBytes: socket.bufferedAmount }, 'client does not read its messages, closing')
        session.close(CLOSE_TOO_SLOW, 'not reading messages')
        return
      }
      socket.send(JSON.stringify(message))
    },

    sendError (code, message, closeCode) {
      const fatal = closeCode != null
      session.send(fatal ? { type: 'error', code, message, fatal } : { type: 'error', code, message })
      if (fatal) session.close(closeCode, code)
    },

    close (code, reason) {
      if (closed) return
      closed = true
      socket.close(code, reason)
      // A client that never answers the close handshake is cut off, not waited for.
      setTimeout(() => socket.terminate(), closeGraceMs).unref()
      deps.onClose(session)
    }
  }

  function receive (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (closed) return
    lastSeenAtMs = now()
    if (!bucket.tryTake()) {
      if (lastSeenAtMs - rateLimitNoticeAtMs >= RATE_LIMIT_NOTICE_INTERVAL_MS) {
        rateLimitNoticeAtMs = lastSeenAtMs
        session.sendError('SIGNAL_RATE_LIMITED', 'too many messages: excess messages are dropped')
      }
      return
    }

    let message: ClientToSignal
    try {
      if (isBinary) throw new AppError('SIGNAL_INVALID_MESSAGE', 'invalid signal message: binary frames are not accepted')
      message = clientToSignalDecoder.decodeJson(textOf(data))
    } catch (err) {
      if (!isAppError(err)) throw err
      invalidMessages += 1
      log.debug({ invalidMessages, reason: err.message }, 'invalid message')
      if (invalidMessages > maxInvalidMessages) {
        session.sendError('SIGNAL_INVALID_MESSAGE', `more than ${maxInvalidMessages} invalid messages`, CLOSE_POLICY_VIOLATION)
      } else {
        session.sendError('SIGNAL_INVALID_MESSAGE', err.message)
      }
      return
    }
    try {
      deps.onMessage(session, message)
    } catch (err) {
      // The boundary: a bug handling one message must not take the process down with it.
      log.error({ err, type: message.type }, 'handling a message failed')
      session.sendError('INTERNAL_ERROR', `the server failed to handle ${message.type}`)
    }
  }

  socket.on('message', receive)
  socket.on('close', () => {
    if (closed) return
    closed = true
    deps.onClose(session)
  })
  return session
}

function textOf (data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}
