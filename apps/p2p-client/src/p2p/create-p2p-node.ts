import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { mdns } from '@libp2p/mdns'
import type { PeerDiscovery } from '@libp2p/interface'
import { punchUpgrader, type PunchUpgrader } from './hole-punch/punch-upgrader.ts'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { PrivateKey } from '@libp2p/interface'

/** mDNS query interval: a first exchange is sometimes lost at start-up, so ask again soon (default 10 s). */
const MDNS_QUERY_INTERVAL_MS = 5_000

export type P2PNode = Libp2p<{ identify: Identify, ping: Ping, punchUpgrader: PunchUpgrader, mdns?: PeerDiscovery }>

export interface P2PNodeOptions {
  privateKey: PrivateKey
  /**
   * Where to accept direct connections.
   * @default ['/ip4/0.0.0.0/tcp/0']
   */
  listen?: string[]
  /**
   * Find peers on this LAN by multicast DNS.
   * @default true
   */
  mdns?: boolean
  /** Shown to peers in identify; carries the product version. */
  userAgent: string
}

/** Assembles the libp2p node: TCP, noise, yamux, identify, ping, circuit relay client, mDNS. */
export async function createP2PNode (options: P2PNodeOptions): Promise<P2PNode> {
  return await createLibp2p({
    privateKey: options.privateKey,
    nodeInfo: { userAgent: options.userAgent },
    addresses: { listen: options.listen ?? ['/ip4/0.0.0.0/tcp/0'] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // The monitor's ping queues behind bulk data and kills busy connections on slow
    // links (DESIGN.md); transfers detect dead peers themselves.
    connectionMonitor: { abortConnectionOnPingFailure: false },
    // mDNS as a service (not peerDiscovery) so the directory can hear every answer:
    // libp2p's own 'peer:discovery' fires only the first time a peer is seen.
    services: { identify: identify(), ping: ping(), punchUpgrader: punchUpgrader(), ...(options.mdns === false ? {} : { mdns: mdns({ interval: MDNS_QUERY_INTERVAL_MS }) }) }
  })
}
