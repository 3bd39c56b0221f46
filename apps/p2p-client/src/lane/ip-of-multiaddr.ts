import type { Multiaddr } from '@multiformats/multiaddr'

/** The IP address a multiaddr starts with (`/ip4/…` or `/ip6/…`, without a zone), undefined for any other (dns…). */
function leadingIp (addr: Multiaddr): string | undefined {
  const first = addr.getComponents()[0]
  return first !== undefined && (first.name === 'ip4' || first.name === 'ip6') ? first.value : undefined
}

const isCircuit = (addr: Multiaddr): boolean => addr.toString().includes('/p2p-circuit')

/** The peer's own IP address a multiaddr starts with; undefined for others (dns, and circuits, whose leading IP is the relay's). */
export function ipOfMultiaddr (addr: Multiaddr): string | undefined {
  return isCircuit(addr) ? undefined : leadingIp(addr)
}

/** The relay's IP address a circuit multiaddr starts with (`/ip4/<relay>/tcp/…/p2p-circuit/…`); undefined for any other address. */
export function relayIpOfMultiaddr (addr: Multiaddr): string | undefined {
  return isCircuit(addr) ? leadingIp(addr) : undefined
}
