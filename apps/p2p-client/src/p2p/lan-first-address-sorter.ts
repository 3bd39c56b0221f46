import type { Address } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { isPrivateIp } from './private-ip.ts'

/**
 * libp2p's dial order: LAN addresses, then public ones, then loopback, then the relay.
 * libp2p's default puts public addresses (the relay's among them) before LAN ones and
 * dials them one by one, so two devices on one LAN would talk through the relay.
 * Senders drop the LAN addresses of peers on other networks (`isDialableFrom`).
 */
export function lanFirstAddressSorter (a: Address, b: Address): -1 | 0 | 1 {
  return Math.sign(dialRank(a.multiaddr) - dialRank(b.multiaddr)) as -1 | 0 | 1
}

function dialRank (addr: Multiaddr): number {
  const text = addr.toString()
  if (text.includes('/p2p-circuit')) return 3
  const host = text.split('/')[2] ?? ''
  if (host.startsWith('127.') || host === '::1') return 2
  return isPrivateIp(host) ? 0 : 1
}

/**
 * Whether a peer's announced address can lead to it: a LAN address only means the
 * peer if it is on our LAN (found by mDNS, or behind the same public IP); elsewhere
 * it would reach some other machine, or nothing, slowly.
 */
export function isDialableFrom (addr: string, peerIsOnOurNetwork: boolean): boolean {
  if (peerIsOnOurNetwork || addr.includes('/p2p-circuit')) return true
  const host = addr.split('/')[2] ?? ''
  return host.startsWith('127.') || host === '::1' || !isPrivateIp(host)
}
