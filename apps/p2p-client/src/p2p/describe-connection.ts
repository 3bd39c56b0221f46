import type { Connection } from '@libp2p/interface'

export interface ConnectionDescription {
  type: 'direct' | 'relayed'
  /** e.g. `tcp`, or `tcp/circuit-relay` for a relayed one. */
  transport: string
  remoteAddr: string
}

/** Tells users how they are connected: through the relay or straight to the peer. */
export function describeConnection (connection: Connection): ConnectionDescription {
  const remoteAddr = connection.remoteAddr.toString()
  const isRelayed = remoteAddr.includes('/p2p-circuit')
  const base = remoteAddr.includes('/udp/') ? (remoteAddr.includes('/quic') ? 'quic' : 'udp') : 'tcp'
  return {
    type: isRelayed ? 'relayed' : 'direct',
    transport: isRelayed ? `${base}/circuit-relay` : base,
    remoteAddr
  }
}
