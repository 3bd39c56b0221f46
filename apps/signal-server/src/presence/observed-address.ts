/** The address a connection comes from, as the server sees it (sent in `hello`). */
export interface ObservedAddress {
  ip: string
  port: number
}

/** Strips the IPv4-mapped prefix Node gives IPv4 clients on a dual-stack socket. */
export function observedAddressOf (socket: { remoteAddress?: string | undefined, remotePort?: number | undefined }): ObservedAddress {
  const raw = socket.remoteAddress ?? ''
  const ip = raw.toLowerCase().startsWith('::ffff:') && raw.includes('.') ? raw.slice('::ffff:'.length) : raw
  return { ip, port: socket.remotePort ?? 0 }
}
