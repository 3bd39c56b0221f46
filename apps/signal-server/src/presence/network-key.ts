import { isIPv4, isIPv6 } from 'node:net'

/** Bits of an IPv6 address that name one network: a /64 is what a LAN is usually given. */
const IPV6_NETWORK_HEXTETS = 4

/**
 * The key that groups peers into "the same network": the public IPv4 address, or
 * the /64 prefix for IPv6 (every IPv6 device has its own address, but a LAN shares
 * its /64). Anything unparsable keys as itself, so it only groups with identical text.
 */
export function networkKeyOf (ip: string): string {
  if (isIPv4(ip)) return ip
  const address = ip.split('%')[0] ?? ip
  if (!isIPv6(address)) return ip
  const hextets = expandIPv6(address)
  if (hextets == null) return ip
  return hextets.slice(0, IPV6_NETWORK_HEXTETS).join(':') + '::/64'
}

/** The eight hextets of an IPv6 address without an embedded IPv4 part, or undefined. */
function expandIPv6 (address: string): string[] | undefined {
  if (address.includes('.')) return undefined
  const [head = '', tail] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail == null || tail === '' ? [] : tail.split(':')
  const missing = 8 - left.length - right.length
  if (missing < 0 || (tail == null && missing !== 0)) return undefined
  return [...left, ...new Array<string>(missing).fill('0'), ...right]
    .map(hextet => hextet.toLowerCase().replace(/^0+(?=.)/, ''))
}
