import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  AppError, SIGNAL_HEARTBEAT_INTERVAL_MS, SIGNAL_PROTOCOL_VERSION, registerSignaturePayload, signalToClientDecoder,
  type ClientToSignal, type HelloMessage, type PresencePeer, type SignalToClient
} from '@p2pft/protocol'
import { SIGNAL_HEARTBEAT_TIMEOUT_MS } from '@p2pft/protocol'
import { SIGNAL_RECONNECT_MAX_MS, SIGNAL_RECONNECT_MIN_MS } from '../constants.ts'
import { toSignalWebSocketUrl } from './server-url.ts'

export interface Announcement {
  name: string
  multiaddrs: string[]
  rooms: string[]
  /** Tags shared with paired devices, so the server shows them to us wherever they are. */
  pairTags?: string[]
}

export interface SignalClientEvents {
  /** Registered (again, after a reconnect); carries the server's hello. */
  registered: [hello: HelloMessage]
  /** The list of peers this client may see changed. */
  peers: [peers: PresencePeer[]]
  /** A rendezvous message from another peer. */
  signal: [from: string, payload: Record<string, unknown>]
  /** The connection dropped; the client reconnects by itself. */
  disconnected: [reason: string]
  /** The server refused us for good (bad signature, other version); no more reconnects. */
  failed: [error: AppError]
}

export interface SignalClientOptions {
  server: string
  privateKey: PrivateKey
  announcement: Announcement
  /** See peers without being shown to them (one-shot commands). @default false */
  hidden?: boolean
  log: Logger
}

export interface SignalClient extends EventEmitter<SignalClientEvents> {
  readonly url: URL
  /** Peers visible right now, by PeerId. */
  readonly peers: ReadonlyMap<string, PresencePeer>
  /** The server's latest hello (relay address, our observed address). */
  currentHello: () => HelloMessage | undefined
  /** Resolves once registered, or rejects with SIGNAL_UNREACHABLE / SIGNAL_AUTH_FAILED. */
  whenRegistered: (timeoutMs: number) => Promise<HelloMessage>
  update: (announcement: Partial<Announcement>) => void
  sendSignal: (to: string, payload: Record<string, unknown>) => void
  /**
   * A one-use ticket for the server's lane relay and the relay's port (§4.9); undefined when
   * the server runs none, is at a limit, is not registered with us or does not answer in time.
   */
  requestLaneRelay: (timeoutMs: number) => Promise<{ ticket: string, port: number } | undefined>
  close: () => void
}

/** Close code the server uses when a newer session of the same PeerId replaces ours. */
const CLOSE_REPLACED = 4002

/**
 * Keeps one authenticated WebSocket session with the signal server: registers with a
 * signature over the server's nonce, mirrors the visible peers, sends heartbeats and
 * reconnects with backoff when the connection drops.
 */
export function createSignalClient (options: SignalClientOptions): SignalClient {
  const url = toSignalWebSocketUrl(options.server)
  const log = options.log.child({ component: 'signal-client' })
  const peerId = peerIdFromPrivateKey(options.privateKey).toString()
  const emitter = new EventEmitter<SignalClientEvents>()
  const peers = new Map<string, PresencePeer>()
  let announcement = { ...options.announcement }
  let socket: WebSocket | undefined
  let hello: HelloMessage | undefined
  let isRegistered = false
  let isClosed = false
  let fatalError: AppError | undefined
  let reconnectDelayMs = SIGNAL_RECONNECT_MIN_MS
  let reconnectTimer: NodeJS.Timeout | undefined
  let heartbeatTimer: NodeJS.Timeout | undefined
  let lastHeardMs = 0
  let nextRequestId = 0
  /** Lane relay requests awaiting their answer, by request id. */
  const laneRelayAnswers = new Map<number, (ticket: string | undefined) => void>()

  const send = (message: ClientToSignal): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
  }

  const replacePeers = (list: PresencePeer[]): void => {
    peers.clear()
    for (const peer of list) peers.set(peer.peerId, peer)
    emitter.emit('peers', [...peers.values()])
  }

  const handleMessage = async (message: SignalToClient): Promise<void> => {
    switch (message.type) {
      case 'hello': {
        if (message.protocolVersion !== SIGNAL_PROTOCOL_VERSION) {
          fatalError = new AppError('SIGNAL_UNSUPPORTED_VERSION', `the server speaks signal protocol ${message.protocolVersion}, this client ${SIGNAL_PROTOCOL_VERSION}; update one of them`)
          socket?.close()
          return
        }
        hello = message
        const signature = await options.privateKey.sign(registerSignaturePayload(message.nonce))
        send({
          type: 'register',
          peerId,
          ...announcement,
          hidden: options.hidden === true,
          signature: Buffer.from(signature).toString('base64')
        })
        return
      }
      case 'registered':
        isRegistered = true
        reconnectDelayMs = SIGNAL_RECONNECT_MIN_MS
        log.info({ server: url.host }, 'registered with signal server')
        if (hello !== undefined) emitter.emit('registered', hello)
        return
      case 'peers':
        replacePeers(message.peers)
        return
      case 'peer-joined':
      case 'peer-updated':
        peers.set(message.peer.peerId, message.peer)
        emitter.emit('peers', [...peers.values()])
        return
      case 'peer-left':
        if (peers.delete(message.peerId)) emitter.emit('peers', [...peers.values()])
        return
      case 'signal':
        emitter.emit('signal', message.from, message.payload)
        return
      case 'pong':
        return
      case 'lane-relay':
        laneRelayAnswers.get(message.requestId)?.(message.ticket)
        return
      case 'error':
        // Only a refused identity is final; anything else (server full, timeouts) is retried.
        if (message.fatal === true && message.code === 'SIGNAL_AUTH_FAILED') {
          fatalError = new AppError('SIGNAL_AUTH_FAILED', `signal server: ${message.message}`)
        }
        log.warn({ code: message.code }, `signal server error: ${message.message}`)
    }
  }

  const scheduleReconnect = (): void => {
    if (fatalError !== undefined) emitter.emit('failed', fatalError)
    if (isClosed || fatalError !== undefined) return
    reconnectTimer = setTimeout(connect, reconnectDelayMs)
    reconnectDelayMs = Math.min(reconnectDelayMs * 2, SIGNAL_RECONNECT_MAX_MS)
  }

  function connect (): void {
    const ws = new WebSocket(url)
    socket = ws
    ws.addEventListener('open', () => {
      lastHeardMs = Date.now()
      heartbeatTimer = setInterval(() => {
        // A server that stopped answering is as gone as a closed one: reconnect.
        if (Date.now() - lastHeardMs > SIGNAL_HEARTBEAT_TIMEOUT_MS) {
          log.debug('signal server silent; reconnecting')
          ws.close(4000, 'no heartbeat reply')
          return
        }
        send({ type: 'ping' })
      }, SIGNAL_HEARTBEAT_INTERVAL_MS)
    })
    ws.addEventListener('message', (event) => {
      lastHeardMs = Date.now()
      if (typeof event.data !== 'string') return
      let message: SignalToClient
      try {
        message = signalToClientDecoder.decodeJson(event.data)
      } catch (err) {
        log.warn({ err }, 'ignored an invalid message from the signal server')
        return
      }
      handleMessage(message).catch((err: unknown) => { log.warn({ err }, 'failed to handle a signal server message') })
    })
    ws.addEventListener('close', (event) => {
      clearInterval(heartbeatTimer)
      if (event.code === CLOSE_REPLACED) {
        // Another process with this identity took over; fighting it would loop forever.
        fatalError = new AppError('SIGNAL_SESSION_REPLACED', 'another program using the same identity (data dir) connected to the signal server; this one stopped its session')
      }
      const wasRegistered = isRegistered
      isRegistered = false
      if (peers.size > 0) replacePeers([])
      if (wasRegistered) emitter.emit('disconnected', event.reason === '' ? `code ${event.code}` : event.reason)
      log.debug({ code: event.code, reason: event.reason }, 'signal connection closed')
      scheduleReconnect()
    })
    ws.addEventListener('error', () => { /* 'close' follows and reconnects */ })
  }

  const whenRegistered = async (timeoutMs: number): Promise<HelloMessage> => {
    if (isRegistered && hello !== undefined) return hello
    if (fatalError !== undefined) throw fatalError
    return await new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer)
        emitter.off('registered', onRegistered)
        emitter.off('failed', onFailed)
      }
      const onRegistered = (message: HelloMessage): void => { settle(); resolve(message) }
      const onFailed = (err: AppError): void => { settle(); reject(err) }
      const timer = setTimeout(() => {
        settle()
        reject(new AppError('SIGNAL_UNREACHABLE', `cannot reach the signal server at ${url.origin}; check --server and your connection`))
      }, timeoutMs)
      emitter.on('registered', onRegistered)
      emitter.on('failed', onFailed)
    })
  }

  connect()

  return Object.assign(emitter, {
    url,
    peers,
    currentHello: () => hello,
    whenRegistered,
    update (partial: Partial<Announcement>): void {
      announcement = { ...announcement, ...partial }
      if (isRegistered) send({ type: 'update', ...partial })
    },
    sendSignal (to: string, payload: Record<string, unknown>): void {
      send({ type: 'signal', to, payload })
    },
    async requestLaneRelay (timeoutMs: number): Promise<{ ticket: string, port: number } | undefined> {
      const port = hello?.laneRelay?.tcpPort
      if (!isRegistered || port === undefined) return undefined
      const requestId = nextRequestId++
      const ticket = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => { answer(undefined) }, timeoutMs)
        function answer (value: string | undefined): void {
          clearTimeout(timer)
          laneRelayAnswers.delete(requestId)
          resolve(value)
        }
        laneRelayAnswers.set(requestId, answer)
        send({ type: 'lane-relay', requestId })
      })
      return ticket === undefined ? undefined : { ticket, port }
    },
    close (): void {
      isClosed = true
      clearTimeout(reconnectTimer)
      clearInterval(heartbeatTimer)
      socket?.close(1000, 'client closing')
    }
  })
}
