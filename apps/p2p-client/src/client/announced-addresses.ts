import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Which of our addresses are worth telling the signal server. Link-local addresses
 * never work for others; loopback only helps peers on this machine, so it is sent
 * only to a server we reach over loopback ourselves.
 */
export function selectAnnouncedAddresses (addrs: Multiaddr[], serverIsLoopback: boolean): string[] {
  return addrs
    .map(addr => addr.toString())
    .filter(addr => !/^\/ip6\/fe80:/i.test(addr) && !addr.startsWith('/ip4/169.254.'))
    .filter(addr => serverIsLoopback || !(addr.startsWith('/ip4/127.') || addr.startsWith('/ip6/::1/')))
}

/** True for `localhost` and loopback IPs. */
export function isLoopbackHost (hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || host.startsWith('127.') || host === '::1'
}
