import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_LISTEN_ADDRS } from '../constants.ts'
import { ipOfMultiaddr } from './ip-of-multiaddr.ts'

/** The hosts of the TCP listen addresses (`/ip4/0.0.0.0/tcp/0` → `0.0.0.0`): lanes listen where libp2p does. */
export function laneHostsOf (listen: string[] = DEFAULT_LISTEN_ADDRS): string[] {
  return listen.flatMap((text) => {
    try {
      const addr = multiaddr(text)
      const host = ipOfMultiaddr(addr)
      return host !== undefined && addr.getComponents()[1]?.name === 'tcp' ? [host] : []
    } catch {
      return []
    }
  })
}
