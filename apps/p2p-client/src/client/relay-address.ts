import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { HelloMessage } from '@p2pft/protocol'

/**
 * The relay runs beside the signal server, so we dial it at the host we reached the
 * server by, on the relay's TCP port (its own listen addresses may be 0.0.0.0).
 */
export async function relayMultiaddr (serverUrl: URL, relay: NonNullable<HelloMessage['relay']>): Promise<Multiaddr> {
  const host = serverUrl.hostname.replace(/^\[|\]$/g, '')
  const ip = isIP(host) !== 0 ? host : (await lookup(host)).address
  const family = isIP(ip) === 6 ? 'ip6' : 'ip4'
  return multiaddr(`/${family}/${ip}/tcp/${relay.tcpPort}/p2p/${relay.peerId}`)
}
