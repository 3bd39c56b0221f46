import type { Multiaddr } from '@multiformats/multiaddr'

/** The IP address a multiaddr starts with (`/ip4/…` or `/ip6/…`), without a zone; undefined for others (dns, circuits are not IPs). */
export function ipOfMultiaddr (addr: Multiaddr): string | undefined {
  const first = addr.getComponents()[0]
  if (first === undefined || (first.name !== 'ip4' && first.name !== 'ip6') || addr.toString().includes('/p2p-circuit')) return undefined
  return first.value
}

/** The relay's IP address a circuit multiaddr starts with (`/ip4/<relay>/tcp/…/p2p-circuit/…`); undefined for any other address. */
export function relayIpOfMultiaddr (addr: Multiaddr): string | undefined {
  const first = addr.getComponents()[0]
  if (first === undefined || (first.name !== 'ip4' && first.name !== 'ip6') || !addr.toString().includes('/p2p-circuit')) return undefined
  return first.value
}
