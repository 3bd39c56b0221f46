import type { IncomingMessage } from 'node:http'
import { AppError, MAX_ANNOUNCED_ADDRS } from '@p2pft/protocol'
import type { Logger } from 'pino'
import { DEFAULT_HOST, DEFAULT_PORT } from './config/index.ts'
import { createHttpApp } from './http/index.ts'
import { createLaneRelay, DEFAULT_LANE_RELAY_PORT, type LaneRelay } from './lane-relay/index.ts'
import { CLOSE_GOING_AWAY, createPresenceHub, createPresenceRegistry, type ObservedAddress, type PresenceLimits } from './presence/index.ts'
import { createRelayNode, type RelayInfo, type RelayNode, type RelayNodeOptions } from './relay/index.ts'
import { createRendezvousForwarder } from './rendezvous/index.ts'

export interface SignalServerDeps {
  log: Logger
}

export interface SignalServerOptions extends PresenceLimits {
  /**
   * IP address for HTTP, WebSocket and relay.
   * @default DEFAULT_HOST ('0.0.0.0')
   */
  host?: string
  /**
   * HTTP + WebSocket port; 0 picks a free one.
   * @default DEFAULT_PORT (8787)
   */
  port?: number
  /**
   * Relay settings (it listens on `host`), or false to run without a relay.
   * @default {} (a relay on DEFAULT_RELAY_PORT with the default limits)
   */
  relay?: false | Omit<RelayNodeOptions, 'host'>
  /**
   * TCP port of the lane relay, which runs beside the relay (and not without it): it splices
   * two peers' outgoing sockets, so a relayed transfer's sealed bytes skip libp2p (§4.9).
   * @default DEFAULT_LANE_RELAY_PORT (8789), or 0 (a free port) when the relay's port is 0
   */
  laneRelayPort?: number
  /**
   * Where a WebSocket client connects from (tests use it to simulate networks).
   * @default the TCP peer address
   */
  observeAddress?: (request: IncomingMessage) => ObservedAddress
}

export interface SignalServer {
  /** Where a client on this machine reaches the server (loopback when listening on every interface). */
  readonly url: string
  readonly host: string
  readonly port: number
  /** Null when running without a relay. */
  readonly relay: RelayInfo | null
  /** The lane relay's TCP port; null when running without a relay. */
  readonly laneRelayPort: number | null
  /** Registered peers, hidden ones included. */
  readonly peerCount: number
  /** Closes every WebSocket (1001), then HTTP, then the relay. Safe to call twice. */
  close: () => Promise<void>
}

/** Starts presence, rendezvous and the relay, and resolves once all of them listen. */
export async function createSignalServer (deps: SignalServerDeps, options: SignalServerOptions = {}): Promise<SignalServer> {
  const log = deps.log.child({ component: 'signal-server' })
  const host = options.host ?? DEFAULT_HOST
  const relayNode: RelayNode | null = options.relay === false
    ? null
    : await createRelayNode({ log: deps.log }, { ...options.relay, host })
  const relay = relayNode?.info ?? null
  let laneRelay: LaneRelay | null = null
  if (options.relay !== false) {
    try {
      laneRelay = await createLaneRelay({ log: deps.log }, {
        host,
        port: options.laneRelayPort ?? (options.relay?.port === 0 ? 0 : DEFAULT_LANE_RELAY_PORT),
        dataLimitBytes: options.relay?.dataLimitBytes,
        durationLimitSeconds: options.relay?.durationLimitSeconds
      })
    } catch (err) {
      await relayNode?.stop()
      throw err
    }
  }

  const registry = createPresenceRegistry()
  const rendezvous = createRendezvousForwarder({ visibility: { isRegistered: registry.has, canSee: registry.canSee } })
  const hub = createPresenceHub({ log: deps.log, registry, rendezvous, laneRelay: laneRelay ?? undefined }, {
    relay: relay == null ? undefined : { ...relay, multiaddrs: relay.multiaddrs.slice(0, MAX_ANNOUNCED_ADDRS) },
    laneRelay: laneRelay == null ? undefined : { tcpPort: laneRelay.port },
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    heartbeatCheckIntervalMs: options.heartbeatCheckIntervalMs,
    registerTimeoutMs: options.registerTimeoutMs,
    maxSessions: options.maxSessions,
    maxSessionsPerIp: options.maxSessionsPerIp,
    ipConnectsPerSecond: options.ipConnectsPerSecond,
    ipConnectBurst: options.ipConnectBurst,
    roomJoinsPerSecond: options.roomJoinsPerSecond,
    roomJoinBurst: options.roomJoinBurst
  })

  const requestedPort = options.port ?? DEFAULT_PORT
  let app
  try {
    app = await createHttpApp({ log: deps.log, hub, relay }, { observeAddress: options.observeAddress })
    await app.listen({ host, port: requestedPort })
  } catch (err) {
    hub.closeAll(CLOSE_GOING_AWAY, 'server failed to start')
    await app?.close()
    await laneRelay?.close()
    await relayNode?.stop()
    const reason = err instanceof Error ? err.message : String(err)
    throw new AppError('CONFIG_INVALID', `cannot listen on ${host}:${requestedPort}: ${reason}`, { cause: err })
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address != null ? address.port : requestedPort
  const url = `http://${urlHostOf(host)}:${port}`
  log.info({ url, relay: relay?.peerId, laneRelayPort: laneRelay?.port }, 'signal server listening')

  let closing: Promise<void> | undefined
  return {
    url,
    host,
    port,
    relay,
    laneRelayPort: laneRelay?.port ?? null,
    get peerCount () { return hub.peerCount },
    close () {
      closing ??= (async () => {
        hub.closeAll(CLOSE_GOING_AWAY, 'server shutting down')
        await app.close()
        await laneRelay?.close()
        await relayNode?.stop()
        log.info('signal server stopped')
      })()
      return closing
    }
  }
}

/** A host as it goes into a URL a local client can use. */
function urlHostOf (host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}
