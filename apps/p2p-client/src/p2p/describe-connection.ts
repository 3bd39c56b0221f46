import { networkInterfaces } from 'node:os'
import type { Connection } from '@libp2p/interface'
import type { ConnectionRoute } from '@p2pft/protocol'
import type { P2PNode } from './create-p2p-node.ts'
import { isPrivateIp } from './private-ip.ts'

export interface ConnectionDescription {
  type: 'direct' | 'relayed'
  /** e.g. `tcp`, or `tcp/circuit-relay` for a relayed one. */
  transport: string
  remoteAddr: string
  /** Direct connections only. */
  route?: ConnectionRoute
}

/** What only the node knows about a connection: whether it was punched, and whether our router maps a port to us. */
export interface RouteHints {
  isPunched: (connection: Connection) => boolean
  hasUpnpMapping: () => boolean
}

/** Tells users how they are connected: through the relay or straight to the peer, and how. */
export function describeConnection (connection: Connection, hints?: RouteHints): ConnectionDescription {
  const remoteAddr = connection.remoteAddr.toString()
  const isRelayed = remoteAddr.includes('/p2p-circuit')
  const base = remoteAddr.includes('/udp/') ? (remoteAddr.includes('/quic') ? 'quic' : 'udp') : 'tcp'
  if (isRelayed) return { type: 'relayed', transport: `${base}/circuit-relay`, remoteAddr }
  return { type: 'direct', transport: base, remoteAddr, route: routeOf(connection, remoteAddr, hints) }
}

function routeOf (connection: Connection, remoteAddr: string, hints: RouteHints | undefined): ConnectionRoute {
  if (hints?.isPunched(connection) === true) return 'hole-punch'
  const host = remoteAddr.split('/')[2] ?? ''
  if (isPrivateIp(host)) return 'lan'
  // Behind a router, a peer from the internet that was not punched came in through
  // the port UPnP mapped for us. (The dialling side cannot tell a mapped port from a public host.)
  if (connection.direction === 'inbound' && hints?.hasUpnpMapping() === true) return 'upnp'
  return 'public'
}

/** The node's own knowledge, for describeConnection. */
export function routeHintsOf (node: P2PNode): RouteHints {
  return {
    isPunched: connection => node.services.punchUpgrader.isPunched(connection),
    hasUpnpMapping: () => node.services.upnp !== undefined && hasMappedAddress(node)
  }
}

/** A public address of ours that no interface has: the router forwards it to us. */
function hasMappedAddress (node: P2PNode): boolean {
  const own = new Set(Object.values(networkInterfaces()).flatMap(list => (list ?? []).map(info => info.address)))
  return node.getMultiaddrs().some((addr) => {
    const text = addr.toString()
    const host = text.split('/')[2] ?? ''
    return !text.includes('/p2p-circuit') && host !== '' && !isPrivateIp(host) && !own.has(host)
  })
}
