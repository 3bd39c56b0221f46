import {
  AppError, PAIRING_WS_PATH, isErrorCode, pairingToClientDecoder, type ClientToPairing, type PairingToClient
} from '@p2pft/protocol'
import { toSignalWebSocketUrl } from '../signal/server-url.ts'
import { PAIRING_CONNECT_TIMEOUT_MS } from './constants.ts'

/** One WebSocket to the signal server's pairing mailbox, read one message at a time. */
export interface MailboxConnection {
  send: (message: ClientToPairing) => void
  /**
   * The next message; a mailbox `error` becomes an AppError with its code, and a closed
   * socket PAIRING_PEER_LEFT. Rejects with `timeoutError` after `timeoutMs`.
   */
  next: (timeoutMs: number, timeoutError: AppError) => Promise<PairingToClient>
  close: () => void
}

/** Connects to `${server}/v1/pair`; rejects with SIGNAL_UNREACHABLE when the server cannot be reached. */
export async function connectMailbox (server: string, signal?: AbortSignal): Promise<MailboxConnection> {
  const url = toSignalWebSocketUrl(server)
  url.pathname = PAIRING_WS_PATH
  const socket = new WebSocket(url)
  const queue: PairingToClient[] = []
  let failure: AppError | undefined
  let wake: (() => void) | undefined

  const fail = (error: AppError): void => {
    failure ??= error
    wake?.()
  }
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return fail(new AppError('PROTOCOL_INVALID_MESSAGE', 'the pairing mailbox sent binary data'))
    try {
      const message = pairingToClientDecoder.decodeJson(event.data)
      if (message.type === 'error') {
        fail(new AppError(isErrorCode(message.code) ? message.code : 'PROTOCOL_INVALID_MESSAGE', `signal server: ${message.message}`))
      } else {
        queue.push(message)
        wake?.()
      }
    } catch (err) {
      fail(err as AppError)
    }
  })
  socket.addEventListener('close', () => { fail(new AppError('PAIRING_PEER_LEFT', 'the pairing connection closed before the devices confirmed the code; nothing was stored')) })
  const onAbort = (): void => {
    fail(new AppError('TRANSFER_CANCELLED', 'pairing was cancelled'))
    socket.close()
  }
  signal?.addEventListener('abort', onAbort, { once: true })

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { socket.close(); reject(unreachable()) }, PAIRING_CONNECT_TIMEOUT_MS)
    socket.addEventListener('open', () => { clearTimeout(timer); resolve() }, { once: true })
    socket.addEventListener('error', () => { clearTimeout(timer); reject(unreachable()) }, { once: true })
    function unreachable (): AppError {
      return new AppError('SIGNAL_UNREACHABLE', `cannot reach the signal server at ${url.origin} to pair; check --server and your connection`)
    }
  })

  return {
    send (message) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
    },
    async next (timeoutMs, timeoutError) {
      // Messages that arrived before a failure are still read first (the identity may precede the close).
      for (;;) {
        const message = queue.shift()
        if (message !== undefined) return message
        if (failure !== undefined) throw failure
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => { wake = undefined; reject(timeoutError) }, timeoutMs)
          wake = () => { clearTimeout(timer); wake = undefined; resolve() }
        })
      }
    },
    close () {
      signal?.removeEventListener('abort', onAbort)
      socket.close(1000, 'done')
    }
  }
}
