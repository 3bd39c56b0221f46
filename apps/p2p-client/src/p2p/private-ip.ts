import { isIPv4 } from 'node:net'

/**
 * True for addresses that only mean something on this network: RFC 1918, loopback,
 * link-local, IPv6 unique-local. Unlike @libp2p/utils' isPrivateIp, the documentation
 * ranges count as public here, as they do in our network lab.
 */
export function isPrivateIp (ip: string): boolean {
  const host = ip.replace(/^::ffff:/i, '')
  if (isIPv4(host)) {
    const [a = 0, b = 0] = host.split('.').map(Number)
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
  }
  const lower = host.toLowerCase()
  return lower === '::1' || /^fe[89ab]/.test(lower) || /^f[cd]/.test(lower)
}
