import {
  isAppError, SIGNAL_HEARTBEAT_TIMEOUT_MS, SIGNAL_PROTOCOL_VERSION,
  type ClientToSignal, type HelloMessage, type RegisterRequest, type SignalToClient
} from '@p2pft/protocol'
import type { Logger } from 'pino'
import type { RendezvousForwarder } from '../rendezvous/index.ts'
import {
  CLOSE_AUTH_FAILED, CLOSE_INTERNAL_ERROR, CLOSE_REPLACED, CLOSE_TIMEOUT, CLOSE_TRY_AGAIN_LATER, HEARTBEAT_CHECK_INTERVAL_MS, IP_CONNECT_BURST,
  IP_CONNECTS_PER_SECOND, MAX_SESSIONS, MAX_SESSIONS_PER_IP, REGISTER_TIMEOUT_MS, ROOM_JOIN_BURST, ROOM_JOINS_PER_SECOND
} from './constants.ts'
import { createIpConnectionLimiter } from './ip-connection-limiter.ts'
import { networkKeyOf } from './network-key.ts'
import type { ObservedAddress } from './observed-address.ts'
import { toPeerListMessages } from './peer-list-messages.ts'
import type { PresenceChangeResult, PresenceNotice, PresenceRegistry } from './presence-registry.ts'
import { verifyRegisterSignature } from './register-signature.ts'
import { createSignalSession, type SignalSession } from './signal-session.ts'
import type { SignalSocket } from './signal-socket.ts'
import { createTokenBucket, type TokenBucket } from './token-bucket.ts'
import { shortId } from '../short-id.ts'

/** The relay as announced in `hello`. */
export type HelloRelay = NonNullable<HelloMessage['relay']>

export interface PresenceHubDeps {
  log: Logger
  registry: PresenceRegistry
  rendezvous: RendezvousForwarder
  /** Hands out lane relay tickets to registered peers; leave out when no lane relay runs. */
  laneRelay?: { issue: (peerId: string) => string | undefined } | undefined
}

/** Timeouts and rate limits of the presence service, which the signal server's options pass on. */
export interface PresenceLimits {
  /** @default SIGNAL_HEARTBEAT_TIMEOUT_MS */
  heartbeatTimeoutMs?: number
  /** @default HEARTBEAT_CHECK_INTERVAL_MS */
  heartbeatCheckIntervalMs?: number
  /** @default REGISTER_TIMEOUT_MS */
  registerTimeoutMs?: number
  /** @default MAX_SESSIONS */
  maxSessions?: number
  /** @default MAX_SESSIONS_PER_IP */
  maxSessionsPerIp?: number
  /** @default IP_CONNECTS_PER_SECOND */
  ipConnectsPerSecond?: number
  /** @default the larger of IP_CONNECT_BURST and ipConnectsPerSecond */
  ipConnectBurst?: number
  /** @default ROOM_JOINS_PER_SECOND */
  roomJoinsPerSecond?: number
  /** @default ROOM_JOIN_BURST */
  roomJoinBurst?: number
}

export interface PresenceHubOptions extends PresenceLimits {
  /** Announced in `hello`; leave out when no relay runs. */
  relay?: HelloRelay | undefined
  /** Announced in `hello`; leave out when no lane relay runs. */
  laneRelay?: HelloMessage['laneRelay']
  /** @default Date.now */
  now?: () => number
}

/**
 * The presence service: owns the sessions, turns their messages into registry
 * changes and rendezvous deliveries, and drops clients that go silent.
 */
export interface PresenceHub {
  /** Takes over a freshly upgraded WebSocket. */
  attach: (socket: SignalSocket, observedAddress: ObservedAddress) => void
  /** Registered peers (hidden ones included). */
  readonly peerCount: number
  readonly sessionCount: number
  /** Closes every session with `code` and stops the heartbeat timer; later sockets are turned away. */
  closeAll: (code: number, reason: string) => void
}

export function createPresenceHub (deps: PresenceHubDeps, options: PresenceHubOptions = {}): PresenceHub {
  const { registry, rendezvous } = deps
  const log = deps.log.child({ component: 'presence' })
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? SIGNAL_HEARTBEAT_TIMEOUT_MS
  const registerTimeoutMs = options.registerTimeoutMs ?? REGISTER_TIMEOUT_MS
  const maxSessions = options.maxSessions ?? MAX_SESSIONS
  const now = options.now ?? Date.now
  const sessions = new Set<SignalSession>()
  const byPeer = new Map<string, SignalSession>()
  const verifying = new Set<SignalSession>()
  const roomJoins = new Map<SignalSession, TokenBucket>()
  const ipConnectsPerSecond = options.ipConnectsPerSecond ?? IP_CONNECTS_PER_SECOND
  const ipLimiter = createIpConnectionLimiter({
    maxSessionsPerIp: options.maxSessionsPerIp ?? MAX_SESSIONS_PER_IP,
    connectsPerSecond: ipConnectsPerSecond,
    // A burst below the steady rate would make the rate unreachable.
    connectBurst: options.ipConnectBurst ?? Math.max(IP_CONNECT_BURST, ipConnectsPerSecond),
    now
  })
  let stopped = false

  const sweeper = setInterval(dropSilentSessions, options.heartbeatCheckIntervalMs ?? HEARTBEAT_CHECK_INTERVAL_MS)
  sweeper.unref()

  function dropSilentSessions (): void {
    ipLimiter.sweep()
    const nowMs = now()
    for (const session of sessions) {
      if (session.peerId == null && nowMs - session.connectedAtMs > registerTimeoutMs) {
        session.sendError('SIGNAL_NOT_REGISTERED', `no register within ${registerTimeoutMs} ms`, CLOSE_TIMEOUT)
      } else if (session.peerId != null && nowMs - session.lastSeenAtMs > heartbeatTimeoutMs) {
        log.debug({ peer: shortId(session.peerId), silentMs: nowMs - session.lastSeenAtMs }, 'heartbeat timeout')
        session.close(CLOSE_TIMEOUT, 'heartbeat timeout')
      }
    }
  }

  function deliver (notices: Array<PresenceNotice | { to: string, message: SignalToClient }>): void {
    for (const { to, message } of notices) byPeer.get(to)?.send(message)
  }

  function applyChange (session: SignalSession, change: PresenceChangeResult): void {
    deliver(change.notices)
    if (change.fullRooms.length > 0) {
      // No dedicated code exists for a full room; being over a capacity limit is the closest.
      session.sendError('SIGNAL_RATE_LIMITED', `room full, not joined: ${change.fullRooms.join(', ')}`)
    }
    if (change.throttledRooms.length > 0) {
      session.sendError('SIGNAL_RATE_LIMITED', `joining rooms too fast, not joined: ${change.throttledRooms.join(', ')}; try again in a few seconds`)
    }
  }

  /** The room-join budget of one connection, asked by the registry for each room it is not in yet. */
  function mayJoinRoomFor (session: SignalSession): () => boolean {
    let bucket = roomJoins.get(session)
    if (bucket == null) {
      bucket = createTokenBucket({ ratePerSecond: options.roomJoinsPerSecond ?? ROOM_JOINS_PER_SECOND, burst: options.roomJoinBurst ?? ROOM_JOIN_BURST, now })
      roomJoins.set(session, bucket)
    }
    return bucket.tryTake
  }

  /** Refuses a socket before it becomes a session: one fatal error, then close 1013. */
  function turnAway (socket: SignalSocket, message: string): void {
    socket.send(JSON.stringify({ type: 'error', code: 'SIGNAL_RATE_LIMITED', message, fatal: true }))
    socket.close(CLOSE_TRY_AGAIN_LATER, message)
  }

  async function register (session: SignalSession, request: RegisterRequest): Promise<void> {
    if (session.peerId != null || verifying.has(session)) {
      session.sendError('SIGNAL_INVALID_MESSAGE', 'already registered on this connection: send update instead')
      return
    }
    verifying.add(session)
    try {
      await verifyRegisterSignature(request.peerId, session.nonce, request.signature)
    } catch (err) {
      if (!isAppError(err)) throw err
      log.debug({ session: session.id, reason: err.message }, 'register refused')
      session.sendError(err.code, err.message, CLOSE_AUTH_FAILED)
      return
    } finally {
      verifying.delete(session)
    }
    if (session.isClosed) return

    const { peerId } = request
    const previous = byPeer.get(peerId)
    session.peerId = peerId
    byPeer.set(peerId, session)
    // After byPeer points at the new session, closing the old one removes nothing.
    previous?.close(CLOSE_REPLACED, 'replaced by a newer connection of the same peer')

    const change = registry.upsert({
      peerId,
      name: request.name,
      multiaddrs: request.multiaddrs,
      rooms: request.rooms,
      pairTags: request.pairTags ?? [],
      hidden: request.hidden === true,
      networkKey: networkKeyOf(session.observedAddress.ip)
    }, mayJoinRoomFor(session))
    session.send({ type: 'registered', peerId })
    for (const message of toPeerListMessages(registry.visiblePeers(peerId))) session.send(message)
    applyChange(session, change)
    log.debug({
      peer: shortId(peerId), hidden: request.hidden === true, rooms: request.rooms.length, pairTags: request.pairTags?.length ?? 0, replaced: previous != null
    }, 'peer registered')
  }

  function receive (session: SignalSession, message: ClientToSignal): void {
    if (message.type === 'register') {
      register(session, message).catch((err: unknown) => {
        log.error({ err, session: session.id }, 'register failed unexpectedly')
        session.sendError('INTERNAL_ERROR', 'register failed on the server', CLOSE_INTERNAL_ERROR)
      })
      return
    }
    const peerId = session.peerId
    if (peerId == null) {
      session.sendError('SIGNAL_NOT_REGISTERED', `send register before ${message.type}`)
      return
    }
    switch (message.type) {
      case 'ping':
        session.send({ type: 'pong' })
        return
      case 'update':
        applyChange(session, registry.update(peerId, message, mayJoinRoomFor(session)))
        return
      case 'signal':
        try {
          deliver([rendezvous.route(peerId, message)])
        } catch (err) {
          if (!isAppError(err)) throw err
          session.sendError(err.code, err.message)
        }
        return
      case 'lane-relay': {
        // No ticket (a limit, or no lane relay here) just means the peers use the libp2p relay.
        const ticket = deps.laneRelay?.issue(peerId)
        session.send({ type: 'lane-relay', requestId: message.requestId, ...(ticket === undefined ? {} : { ticket }) })
      }
    }
  }

  function leave (session: SignalSession): void {
    sessions.delete(session)
    roomJoins.delete(session)
    ipLimiter.release(session.observedAddress.ip)
    const peerId = session.peerId
    if (peerId == null || byPeer.get(peerId) !== session) return
    byPeer.delete(peerId)
    rendezvous.forget(peerId)
    deliver(registry.remove(peerId))
    log.debug({ peer: shortId(peerId) }, 'peer left')
  }

  return {
    attach (socket, observedAddress) {
      if (stopped || sessions.size >= maxSessions) {
        turnAway(socket, stopped ? 'server is shutting down' : 'server is full, try again later')
        log.warn({ sessions: sessions.size }, 'connection turned away')
        return
      }
      const admission = ipLimiter.admit(observedAddress.ip)
      if (admission !== 'ok') {
        const message = admission === 'too-many-sessions'
          ? 'too many connections from your network, try again later'
          : 'connecting too often from your network, try again in a few seconds'
        turnAway(socket, message)
        // Debug only: a flood of refused connections must not become a flood of log lines.
        log.debug({ ip: observedAddress.ip, reason: admission }, 'connection turned away')
        return
      }
      const session = createSignalSession({ socket, log, onMessage: receive, onClose: leave }, { observedAddress, now })
      sessions.add(session)
      session.send({
        type: 'hello',
        protocolVersion: SIGNAL_PROTOCOL_VERSION,
        nonce: session.nonce,
        observedAddress,
        ...(options.relay == null ? {} : { relay: options.relay }),
        ...(options.laneRelay == null ? {} : { laneRelay: options.laneRelay })
      })
    },

    get peerCount () { return registry.size },

    get sessionCount () { return sessions.size },

    closeAll (code, reason) {
      stopped = true
      clearInterval(sweeper)
      for (const session of sessions) session.close(code, reason)
    }
  }
}

