import type { Connection } from '@libp2p/interface'
import type { Logger } from 'pino'
import { LANE_PROTOCOL_ID } from '@p2pft/protocol'
import type { P2PNode } from '../p2p/create-p2p-node.ts'
import { ipOfMultiaddr } from './ip-of-multiaddr.ts'
import type { LaneServer } from './lane-server.ts'

export interface ServeLaneTicketsDeps {
  node: P2PNode
  lanes: LaneServer<Connection>
  log: Logger
  /** A blocked device gets no ticket: its stream is reset unread. */
  isBlocked: (peerId: string) => boolean
  /**
   * Whether the peer can reach our lane port the way it reached us: not through a port
   * our router maps for libp2p alone (UPnP), nor through a hole punched for that one socket.
   */
  canReachLanes: (connection: Connection) => boolean
}

/**
 * Answers `/p2pft/lane/1.0.0` on direct connections with a one-use lane ticket for
 * the asking peer. Relayed connections are not served: their peer cannot reach our
 * listener directly, and libp2p refuses the protocol there.
 */
export async function serveLaneTickets (deps: ServeLaneTicketsDeps): Promise<void> {
  const log = deps.log.child({ component: 'lane-tickets' })
  await deps.node.handle(LANE_PROTOCOL_ID, async (stream, connection) => {
    const peerId = connection.remotePeer.toString()
    const remoteIp = ipOfMultiaddr(connection.remoteAddr)
    const ticket = deps.isBlocked(peerId) || remoteIp === undefined || !deps.canReachLanes(connection)
      ? undefined
      : deps.lanes.issue({ peerId, context: connection }, remoteIp)
    if (ticket === undefined) {
      // The sender goes on over the libp2p connection at once.
      stream.abort(new Error('no lane for this peer'))
      return
    }
    log.debug({ peerId: peerId.slice(-8) }, 'lane ticket issued')
    stream.send(new TextEncoder().encode(JSON.stringify(ticket)))
    await stream.close().catch(() => {})
  })
}
