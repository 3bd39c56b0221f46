import { isIPv6 } from 'node:net'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { tls } from '@libp2p/tls'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import type { Multiaddr } from '@multiformats/multiaddr'
import { AppError } from '@p2pft/protocol'
import { createLibp2p } from 'libp2p'
import type { Logger } from 'pino'
import {
  DEFAULT_RELAY_DATA_LIMIT_BYTES, DEFAULT_RELAY_DURATION_LIMIT_SECONDS, DEFAULT_RELAY_MAX_RESERVATIONS, DEFAULT_RELAY_MAX_RESERVATIONS_PER_IP,
  DEFAULT_RELAY_PORT, RELAY_CONNECTION_HEADROOM, RELAY_CONNECTION_HEADROOM_PER_IP, RELAY_STOP_TIMEOUT_MS
} from './constants.ts'
import { createRelayGater, type RelayGaterDeps } from './relay-gater.ts'

export interface RelayNodeDeps {
  log: Logger
}

export interface RelayNodeOptions {
  /**
   * IP address to listen on.
   * @default '0.0.0.0'
   */
  host?: string
  /**
   * TCP port; 0 picks a free one.
   * @default DEFAULT_RELAY_PORT (8788)
   */
  port?: number
  /** @default DEFAULT_RELAY_MAX_RESERVATIONS */
  maxReservations?: number
  /**
   * Reservations one public address (IPv4, or IPv6 /64) may hold.
   * @default DEFAULT_RELAY_MAX_RESERVATIONS_PER_IP
   */
  maxReservationsPerIp?: number
  /** @default DEFAULT_RELAY_DATA_LIMIT_BYTES */
  dataLimitBytes?: number
  /** @default DEFAULT_RELAY_DURATION_LIMIT_SECONDS */
  durationLimitSeconds?: number
  /**
   * The relay's identity.
   * @default a new Ed25519 key (a new PeerId on every start)
   */
  privateKey?: PrivateKey
}

/** Where clients find the relay. */
export interface RelayInfo {
  peerId: string
  /** The port clients dial at the server's host (the listen addresses may be private). */
  tcpPort: number
  multiaddrs: string[]
}

export interface RelayNode {
  readonly info: RelayInfo
  /** Reservations held now. */
  readonly reservationCount: number
  stop: () => Promise<void>
}

/**
 * A libp2p circuit relay v2 server (TCP + TLS or noise + yamux) that peers behind NATs
 * reserve a slot on and reach each other through when no direct path works.
 */
export async function createRelayNode (deps: RelayNodeDeps, options: RelayNodeOptions = {}): Promise<RelayNode> {
  const log = deps.log.child({ component: 'relay' })
  const host = options.host ?? '0.0.0.0'
  const port = options.port ?? DEFAULT_RELAY_PORT
  const maxReservations = options.maxReservations ?? DEFAULT_RELAY_MAX_RESERVATIONS
  const maxReservationsPerIp = options.maxReservationsPerIp ?? DEFAULT_RELAY_MAX_RESERVATIONS_PER_IP
  const dataLimitBytes = options.dataLimitBytes ?? DEFAULT_RELAY_DATA_LIMIT_BYTES
  const durationLimitSeconds = options.durationLimitSeconds ?? DEFAULT_RELAY_DURATION_LIMIT_SECONDS

  // The gater asks the node about its connections and reservations; it is set once the node exists.
  const live: Partial<RelayGaterDeps> = {}
  const gater = createRelayGater({
    connections: () => live.connections?.() ?? [],
    reservations: () => live.reservations?.() ?? []
  }, {
    maxReservationsPerIp,
    // Each reservation holds a connection, and a peer dialing through the relay adds one.
    maxConnectionsPerIp: 2 * maxReservationsPerIp + RELAY_CONNECTION_HEADROOM_PER_IP
  })
  let node
  try {
    node = await createLibp2p({
      ...(options.privateKey == null ? {} : { privateKey: options.privateKey }),
      nodeInfo: { name: 'p2pft-signal-server' },
      addresses: { listen: [`/${isIPv6(host) ? 'ip6' : 'ip4'}/${host}/tcp/${port}`] },
      transports: [tcp()],
      // TLS 1.3 first, like the clients (AES-GCM in native code: cheaper per relayed byte); noise for peers without it.
      connectionEncrypters: [tls(), noise()],
      streamMuxers: [yamux()],
      // Every reservation holds a connection, and every relayed transfer adds the dialer's.
      connectionManager: { maxConnections: Math.max(300, 2 * maxReservations + RELAY_CONNECTION_HEADROOM) },
      // Pings queue behind bulk relayed data on slow links; aborting then kills healthy transfers (DESIGN.md).
      connectionMonitor: { abortConnectionOnPingFailure: false },
      connectionGater: gater,
      services: {
        identify: identify(),
        ping: ping(),
        relay: circuitRelayServer({
          reservations: {
            maxReservations,
            // Explicit limits: the defaults (128 KiB, 2 min) end a file transfer almost at once.
            applyDefaultLimit: true,
            defaultDataLimit: BigInt(dataLimitBytes),
            // The relay counts this in ms (and sends it to clients in ms).
            defaultDurationLimit: durationLimitSeconds * 1000
          }
        })
      }
    })
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `relay could not listen on ${host}:${port}: ${messageOf(err)}`, { cause: err })
  }
  const relayService = node.services.relay
  live.connections = () => node.getConnections()
  live.reservations = () => [...relayService.reservations.entries()]

  relayService.addEventListener('relay:reservation', (event) => {
    log.debug({ client: event.detail.addr.toString() }, 'relay reservation made')
  })

  const multiaddrs = node.getMultiaddrs()
  const info: RelayInfo = {
    peerId: node.peerId.toString(),
    tcpPort: tcpPortOf(multiaddrs) ?? port,
    multiaddrs: multiaddrs.map(String)
  }
  log.info({ peerId: info.peerId, tcpPort: info.tcpPort, maxReservations, maxReservationsPerIp, dataLimitBytes, durationLimitSeconds }, 'relay listening')

  return {
    info,
    get reservationCount () { return relayService.reservations.size },
    async stop () {
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<'timeout'>(resolve => { timer = setTimeout(() => resolve('timeout'), RELAY_STOP_TIMEOUT_MS) })
      const result = await Promise.race([Promise.resolve(node.stop()).then(() => 'stopped' as const), timedOut])
      clearTimeout(timer)
      if (result === 'timeout') log.warn({ timeoutMs: RELAY_STOP_TIMEOUT_MS }, 'relay did not stop in time, leaving it')
    }
  }
}

function tcpPortOf (multiaddrs: Multiaddr[]): number | undefined {
  for (const ma of multiaddrs) {
    const tcpComponent = ma.getComponents().find(component => component.name === 'tcp')
    if (tcpComponent?.value != null) return Number(tcpComponent.value)
  }
  return undefined
}

/** One line: libp2p lists every failed address with its stack, the first error says enough. */
function messageOf (err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return /Error: (.+)/.exec(message)?.[1] ?? message.split('\n')[0] ?? message
}
