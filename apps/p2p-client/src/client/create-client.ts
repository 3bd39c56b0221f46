import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { MAX_DISPLAY_NAME_LENGTH } from '@p2pft/protocol'
import { DEFAULT_LISTEN_ADDRS, SHUTDOWN_TIMEOUT_MS } from '../constants.ts'
import { loadOrCreateIdentity } from '../identity/identity-store.ts'
import { loadDeviceTrustStore, type DeviceTrustStore } from '../pairing/device-trust-store.ts'
import { createP2PNode, type P2PNode } from '../p2p/create-p2p-node.ts'
import { serveInfo } from '../p2p/info-protocol.ts'
import { createPeerDirectory, type PeerDirectory } from '../peers/peer-directory.ts'
import { createHolePuncher, type HolePuncher } from '../p2p/hole-punch/hole-puncher.ts'
import { createSignalClient, type SignalClient } from '../signal/signal-client.ts'
import { toSignalWebSocketUrl } from '../signal/server-url.ts'
import { isLoopbackHost, selectAnnouncedAddresses } from './announced-addresses.ts'
import { relayMultiaddr } from './relay-address.ts'

export interface ClientOptions {
  dataDir: string
  /** @default the machine's host name */
  name?: string
  /** Signal server base URL; without one the client works on the LAN alone. */
  server?: string
  rooms?: string[]
  /**
   * Reachable by others: shown in presence and holding a relay reservation. One-shot
   * commands that only dial out (`send`, `peers`) are not.
   * @default true
   */
  reachable?: boolean
  /** @default true */
  mdns?: boolean
  /** Map a port on the home router by UPnP and announce it (see createP2PNode); reachable clients only. @default false */
  upnp?: boolean
  /** @default DEFAULT_LISTEN_ADDRS (every IPv4 interface, a free port) */
  listen?: string[]
  userAgent: string
  log: Logger
}

export interface Client {
  peerId: string
  name: string
  node: P2PNode
  signal: SignalClient | undefined
  directory: PeerDirectory
  /** Paired, auto-accepted and blocked devices (the data dir's trust store). */
  trust: DeviceTrustStore
  /** The device's identity key: pairing signs with it. */
  privateKey: PrivateKey
  /** Direct connections through NATs, coordinated over the signal server (absent without one). */
  holePuncher: HolePuncher | undefined
  announcedAddresses: () => string[]
  stop: () => Promise<void>
}

/** Starts a device: identity, libp2p node, signal session, relay reservation, peer list. */
export async function createClient (options: ClientOptions): Promise<Client> {
  const log = options.log.child({ component: 'client' })
  // Parsed first so a bad --server fails before anything starts.
  const serverIsLoopback = options.server !== undefined && isLoopbackHost(toSignalWebSocketUrl(options.server).hostname)
  const privateKey = await loadOrCreateIdentity(options.dataDir)
  const trust = await loadDeviceTrustStore(options.dataDir)
  const name = (options.name ?? hostname()).trim().slice(0, MAX_DISPLAY_NAME_LENGTH) || 'device'
  const reachable = options.reachable !== false
  const listen = [...(options.listen ?? DEFAULT_LISTEN_ADDRS), ...(reachable && options.server !== undefined ? ['/p2p-circuit'] : [])]
  const startSignal = (multiaddrs: string[]): SignalClient | undefined => options.server === undefined
    ? undefined
    : createSignalClient({
      server: options.server,
      privateKey,
      announcement: { name, multiaddrs, rooms: options.rooms ?? [], pairTags: trust.pairTags() },
      hidden: !reachable,
      log
    })
  // A client nobody dials announces no addresses, so its session need not wait for the node:
  // the server answers while libp2p starts (one-shot commands reach their peer sooner).
  let signal = reachable ? undefined : startSignal([])
  let node: P2PNode
  try {
    // UPnP only where others dial in: a mapping for a dial-out-only client would serve no one.
    node = await createP2PNode({ privateKey, listen, mdns: options.mdns, upnp: reachable && options.upnp, userAgent: options.userAgent })
  } catch (err) {
    signal?.close()
    throw err
  }
  const peerId = node.peerId.toString()
  await serveInfo(node, () => name)

  const announcedAddresses = (): string[] => selectAnnouncedAddresses(node.getMultiaddrs(), serverIsLoopback)

  if (reachable) {
    signal = startSignal(announcedAddresses())
    const session = signal
    if (session !== undefined) {
      // A relay reservation changes our addresses: tell the server so peers can dial the circuit.
      node.addEventListener('self:peer:update', () => { session.update({ multiaddrs: announcedAddresses() }) })
      session.on('registered', (hello) => {
        if (hello.relay === undefined) return
        relayMultiaddr(session.url, hello.relay)
          .then(async (addr) => {
            await node.peerStore.merge(peerIdFromString(hello.relay?.peerId ?? ''), { multiaddrs: [addr], tags: { 'keep-alive-relay': { value: 100 } } })
            await node.dial(addr)
            log.debug({ relay: addr.toString() }, 'connected to relay')
          })
          .catch((err: unknown) => { log.warn({ err }, 'could not reach the relay; only direct connections will work') })
      })
    }
  }

  const directory = createPeerDirectory({ node, signal, log })
  const holePuncher = signal === undefined ? undefined : createHolePuncher({ node, signal, log })

  return {
    peerId,
    name,
    node,
    signal,
    directory,
    trust,
    privateKey,
    holePuncher,
    announcedAddresses,
    async stop (): Promise<void> {
      holePuncher?.close()
      directory.close()
      signal?.close()
      // libp2p's stop can hang after aborted connections (DESIGN.md): bound it.
      await Promise.race([node.stop(), new Promise(resolve => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref())])
    }
  }
}
