import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { networkKeyOf } from '../presence/index.ts'

/** What the gater needs to know about the running relay. */
export interface RelayGaterDeps {
  /** Open connections, with the peer and address on the other end. */
  connections: () => ReadonlyArray<{ remotePeer: PeerId, remoteAddr: Multiaddr }>
  /** Reservations held now, with the address each was made from. */
  reservations: () => ReadonlyArray<readonly [PeerId, { addr: Multiaddr }]>
}

export interface RelayGaterOptions {
  /** Reservations one public address (IPv4, or IPv6 /64) may hold. */
  maxReservationsPerIp: number
  /** Connections to the relay one address may hold. */
  maxConnectionsPerIp: number
}

/**
 * Per-address limits for the relay. libp2p caps reservations only in total and asks
 * the gater with a bare PeerId, so the address comes from that peer's connection. An
 * IPv6 /64 counts as one address. (libp2p itself already refuses more than a few new
 * connections per second from one host.)
 */
export function createRelayGater (deps: RelayGaterDeps, options: RelayGaterOptions): ConnectionGater {
  return {
    denyInboundConnection (maConn) {
      const key = addressKeyOf(maConn.remoteAddr)
      if (key == null) return false
      const open = deps.connections().filter(connection => addressKeyOf(connection.remoteAddr) === key).length
      return open >= options.maxConnectionsPerIp
    },

    denyInboundRelayReservation (source) {
      const reservations = deps.reservations()
      // Refreshing a reservation the peer already holds is always allowed.
      if (reservations.some(([peer]) => peer.equals(source))) return false
      const connection = deps.connections().find(candidate => candidate.remotePeer.equals(source))
      const key = connection == null ? undefined : addressKeyOf(connection.remoteAddr)
      if (key == null) return true
      const held = reservations.filter(([, reservation]) => addressKeyOf(reservation.addr) === key).length
      return held >= options.maxReservationsPerIp
    }
  }
}

/** networkKeyOf the IP in `addr`, or undefined when it carries none (e.g. a circuit address). */
function addressKeyOf (addr: Multiaddr): string | undefined {
  const ip = addr.getComponents().find(component => component.name === 'ip4' || component.name === 'ip6')?.value
  return ip == null ? undefined : networkKeyOf(ip)
}
