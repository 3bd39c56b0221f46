import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { tls } from '@libp2p/tls'
import { yamux } from '@libp2p/yamux'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import type { UPnPNAT } from '@libp2p/upnp-nat'
import type { PeerDiscovery } from '@libp2p/interface'
import { punchUpgrader, type PunchUpgrader } from './hole-punch/punch-upgrader.ts'
import { lanFirstAddressSorter } from './lan-first-address-sorter.ts'
import { DEFAULT_LISTEN_ADDRS } from '../constants.ts'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { PrivateKey } from '@libp2p/interface'

/** mDNS query interval: a first exchange is sometimes lost at start-up, so ask again soon (default 10 s). */
const MDNS_QUERY_INTERVAL_MS = 5_000

export type P2PNode = Libp2p<{ identify: Identify, ping: Ping, punchUpgrader: PunchUpgrader, mdns?: PeerDiscovery, upnp?: UPnPNAT }>

export interface P2PNodeOptions {
  privateKey: PrivateKey
  /**
   * Where to accept direct connections.
   * @default DEFAULT_LISTEN_ADDRS
   */
  listen?: string[]
  /**
   * Find peers on this LAN by multicast DNS.
   * @default true
   */
  mdns?: boolean
  /** Shown to peers in identify; carries the product version. */
  userAgent: string
  /**
   * Ask the home router (UPnP IGD, found by SSDP multicast) to forward a public port
   * to our TCP listener, and announce that address. Off by default so library users
   * and tests never multicast on a network they did not choose; the CLI turns it on.
   * @default false
   */
  upnp?: boolean
}

/** Assembles the libp2p node: TCP, TLS (noise as fallback), yamux, identify, ping, circuit relay client, mDNS. */
export async function createP2PNode (options: P2PNodeOptions): Promise<P2PNode> {
  // Each is loaded only when turned on: UPnP's SSDP and XML stack alone is ~90 modules and ~6 MB of memory.
  // mDNS runs as a service (not peerDiscovery) so the directory can hear every answer:
  // libp2p's own 'peer:discovery' fires only the first time a peer is seen.
  const lanDiscovery = options.mdns === false ? undefined : (await import('@libp2p/mdns')).mdns({ interval: MDNS_QUERY_INTERVAL_MS })
  // autoConfirmAddress: we run no AutoNAT; the router itself told us the mapping exists.
  const portMapping = options.upnp === true ? (await import('@libp2p/upnp-nat')).uPnPNAT({ autoConfirmAddress: true, portMappingDescription: 'p2p-file-transfer' }) : undefined
  return await createLibp2p({
    privateKey: options.privateKey,
    nodeInfo: { userAgent: options.userAgent },
    addresses: { listen: options.listen ?? DEFAULT_LISTEN_ADDRS },
    transports: [tcp(), circuitRelayTransport()],
    // TLS 1.3 first: AES-GCM inside OpenSSL cost about a quarter less CPU per GiB than
    // noise's per-message ChaCha20-Poly1305 and moved 1.3× the bytes (two processes on
    // loopback, README "Performance"). Noise stays as the fallback multistream-select
    // picks for peers without TLS (our relay, older versions).
    connectionEncrypters: [tls(), noise()],
    streamMuxers: [yamux()],
    // The monitor's ping queues behind bulk data and kills busy connections on slow
    // links (DESIGN.md); transfers detect dead peers themselves.
    connectionMonitor: { abortConnectionOnPingFailure: false },
    connectionManager: { addressSorter: lanFirstAddressSorter },
    services: {
      identify: identify(),
      ping: ping(),
      punchUpgrader: punchUpgrader(),
      ...(lanDiscovery === undefined ? {} : { mdns: lanDiscovery }),
      ...(portMapping === undefined ? {} : { upnp: portMapping })
    }
  })
}
