import type { ConnectionRoute } from '@p2pft/protocol'

const ROUTE_TEXT: Record<ConnectionRoute, string> = {
  lan: 'on this LAN',
  public: 'public address',
  upnp: 'UPnP port',
  'hole-punch': 'hole-punched'
}

/** `Direct · hole-punched`, `Relayed`: how a device or transfer is connected. */
export function connectionLabel (connection: 'direct' | 'relayed', route: ConnectionRoute | undefined): string {
  if (connection === 'relayed') return 'Relayed'
  return route === undefined ? 'Direct' : `Direct · ${ROUTE_TEXT[route]}`
}
